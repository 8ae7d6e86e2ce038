import type * as Errors from '../../../server/errors.js';
import type * as Policy from '../../../server/auth/policy.js';

// `can` only asks: a page's permission flags ask about a dozen actions a member may not take on
// every request, so a "no" must not build the refusal (an Error, stack trace and all). `refusal`
// and `authorize` build it, once, when it is wanted.

function policyCountingRefusals(): { policy: typeof Policy; built: () => number } {
  let built = 0;
  let policy!: typeof Policy;
  jest.isolateModules(() => {
    jest.doMock('../../../server/errors.js', () => {
      const actual = jest.requireActual<typeof Errors>('../../../server/errors.js');
      // A subclass of each refusal the policy makes that counts its constructions (a mixin: any[]).
      type Refusal = new (...args: any[]) => Errors.DomainError & { readonly code: Errors.DomainErrorCode };
      const counted = <C extends Refusal>(Base: C): C =>
        class extends Base {
          constructor(...args: any[]) {
            super(...args);
            built++;
          }
        };
      return {
        ...actual,
        Forbidden: counted(actual.Forbidden), NotFound: counted(actual.NotFound), Unauthenticated: counted(actual.Unauthenticated),
        Conflict: counted(actual.Conflict), EmailUnverified: counted(actual.EmailUnverified),
      };
    });
    policy = jest.requireActual<typeof Policy>('../../../server/auth/policy.js');
  });
  return { policy, built: () => built };
}

const member: Policy.Subject = { id: 'u-member', role: 'member', ban: null };

test('asking whether a member may builds no refusal; refusing builds exactly one', () => {
  const { policy, built } = policyCountingRefusals();
  expect(policy.can(member, 'administer')).toBe(false);
  expect(policy.can(member, 'moderate')).toBe(false);
  expect(policy.can(null, 'write')).toBe(false);
  expect(policy.can(member, 'write')).toBe(true);
  expect(built()).toBe(0);

  expect(policy.refusal(member, 'administer')?.code).toBe('forbidden');
  expect(built()).toBe(1);
  expect(() => policy.authorize(null, 'write')).toThrow(expect.objectContaining({ code: 'unauthenticated' }));
  expect(built()).toBe(2);
  expect(policy.refusal(member, 'write')).toBeNull();
  expect(built()).toBe(2);
});
