import { mentionedNames } from '../../../server/content/mentions.js';

// Who a post mentions, as the notifier and the member look-up see it: the @names a reader sees as
// text, never those in code, links or e-mail addresses.

describe('the names a post mentions', () => {
  test('a body without an @ mentions no one', () => {
    expect(mentionedNames('Just a **plain** post.\n\n- with a list')).toEqual([]);
  });

  test('names come lowercased, once each, in the order first written', () => {
    expect(mentionedNames('@Carol and @bob, then @BOB again and @carol_2 and @carol')).toEqual(['carol', 'bob', 'carol_2']);
  });

  test('punctuation after a name is not part of it', () => {
    expect(mentionedNames('Thanks @bob, @ann. (@cyd) [@dee] @eve! @fay? @gus: "@hal" @ivy... @jan-- @kim\'s')).toEqual(
      ['bob', 'ann', 'cyd', 'dee', 'eve', 'fay', 'gus', 'hal', 'ivy', 'jan', 'kim'],
    );
  });

  test('dots, dashes and underscores inside a name are kept', () => {
    expect(mentionedNames('cc @jane.doe, @a-b-c and @x_y_z.')).toEqual(['jane.doe', 'a-b-c', 'x_y_z']);
  });

  test('a name in a code span, a fenced block or an indented block is not a mention', () => {
    const body = 'Use `@bob` here\n\n```\n@carol\n```\n\n~~~js\n@dave\n~~~\n\n    @erin in code\n\nbut @frank is';
    expect(mentionedNames(body)).toEqual(['frank']);
  });

  test('a name in a link\'s text, its address, an autolink or raw link markup is not a mention', () => {
    const body = '[@bob](https://example.org/@carol) <https://example.org/@dave> https://example.org/@erin <a href="https://x.org">@fred</a> ![@gina](https://x.org/i.png) @hank';
    expect(mentionedNames(body)).toEqual(['hank']);
  });

  test('an e-mail address is not a mention, nor is an @ inside a word or a path', () => {
    expect(mentionedNames('write to jo@example.com or bob.smith@example.org, see a/@path, x=@y1z, @bob@example.com, @types/node')).toEqual([]);
  });

  test('a name that breaks the username rules is not a mention', () => {
    const long = 'a'.repeat(33);
    expect(mentionedNames(`@ab @${long} @bob\u00e9 @ @_x1 @${'b'.repeat(32)}`)).toEqual(['_x1', 'b'.repeat(32)]);
  });

  test('a name in emphasis, a list, a quote, a heading or a table cell is a mention', () => {
    const body = '# Hi @ann\n\n> @bob said\n\n- **@cyd**\n- _@dee_\n\n| who |\n| --- |\n| @eve |';
    expect(mentionedNames(body)).toEqual(['ann', 'bob', 'cyd', 'dee', 'eve']);
  });

  test('at most twenty names count; later ones are ignored', () => {
    const names = Array.from({ length: 25 }, (_, i) => `user${i + 1}`);
    const found = mentionedNames(names.map((n) => `@${n}`).join(' '));
    expect(found).toEqual(names.slice(0, 20));
  });

  test('repeating one of the first twenty names does not use up a place', () => {
    const names = Array.from({ length: 20 }, (_, i) => `member${i}`);
    const body = `${names.map((n) => `@${n} @${n.toUpperCase()}`).join(' ')} @late`;
    expect(mentionedNames(body)).toEqual(names);
  });

  test('an @ written escaped or as an entity names someone without mentioning them', () => {
    expect(mentionedNames('\\@bob and &#64;carol and &commat;dave but @erin')).toEqual(['erin']);
  });

  test('a name that goes on after an escaped character is not cut short into a mention', () => {
    expect(mentionedNames('@bob\\_x and @ann\\.')).toEqual([]);
  });
});
