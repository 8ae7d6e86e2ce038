import { IBAN_LENGTHS } from '../../../shared/pii/iban.js';
import { expectExactlyOne, expectNothing } from './helpers.js';

describe('IBANs', () => {
  test.each([
    ['pay to DE89 3704 0044 0532 0130 00 please', 'DE89 3704 0044 0532 0130 00'],
    ['compact DE89370400440532013000', 'DE89370400440532013000'],
    ['lower case de89 3704 0044 0532 0130 00', 'de89 3704 0044 0532 0130 00'],
    ['lower case compact de89370400440532013000', 'de89370400440532013000'],
    ['IBAN: GB29 NWBK 6016 1331 9268 19.', 'GB29 NWBK 6016 1331 9268 19'],
    ['GB29NWBK60161331926819', 'GB29NWBK60161331926819'],
    ['France FR14 2004 1010 0505 0001 3M02 606', 'FR14 2004 1010 0505 0001 3M02 606'],
    ['Netherlands NL91 ABNA 0417 1643 00', 'NL91 ABNA 0417 1643 00'],
    ['Belgium BE68 5390 0754 7034', 'BE68 5390 0754 7034'],
    ['Switzerland CH93 0076 2011 6238 5295 7', 'CH93 0076 2011 6238 5295 7'],
    ['Austria AT611904300234573201', 'AT611904300234573201'],
    ['Spain ES91 2100 0418 4502 0005 1332', 'ES91 2100 0418 4502 0005 1332'],
    ['Italy IT60 X054 2811 1010 0000 0123 456', 'IT60 X054 2811 1010 0000 0123 456'],
    ['Norway NO93 8601 1117 947', 'NO93 8601 1117 947'],
    ['Poland PL61 1090 1014 0000 0712 1981 2874', 'PL61 1090 1014 0000 0712 1981 2874'],
    ['Sweden SE45 5000 0000 0583 9825 7466', 'SE45 5000 0000 0583 9825 7466'],
    ['Denmark DK50 0040 0440 1162 43', 'DK50 0040 0440 1162 43'],
    ['Finland FI21 1234 5600 0007 85', 'FI21 1234 5600 0007 85'],
    ['Ireland IE29 AIBK 9311 5212 3456 78', 'IE29 AIBK 9311 5212 3456 78'],
    ['Portugal PT50 0002 0123 1234 5678 9015 4', 'PT50 0002 0123 1234 5678 9015 4'],
    ['Luxembourg LU28 0019 4006 4475 0000', 'LU28 0019 4006 4475 0000'],
    ['Czechia CZ65 0800 0000 1920 0014 5399', 'CZ65 0800 0000 1920 0014 5399'],
    ['Hungary HU42 1177 3016 1111 1018 0000 0000', 'HU42 1177 3016 1111 1018 0000 0000'],
    ['Saudi Arabia SA03 8000 0000 6080 1016 7519', 'SA03 8000 0000 6080 1016 7519'],
    ['Malta MT84 MALT 0110 0001 2345 MTLC AST0 01S', 'MT84 MALT 0110 0001 2345 MTLC AST0 01S'],
    ['Saint Lucia LC55 HEMM 0001 0001 0012 0012 0002 3015', 'LC55 HEMM 0001 0001 0012 0012 0002 3015'],
    ['Brazil BR18 0036 0305 0000 1000 9795 493C 1', 'BR18 0036 0305 0000 1000 9795 493C 1'],
    ['Kuwait KW81CBKU0000000000001234560101', 'KW81CBKU0000000000001234560101'],
    ['Greece GR16 0110 1250 0000 0001 2300 695', 'GR16 0110 1250 0000 0001 2300 695'],
    ['Türkiye TR33 0006 1005 1978 6457 8413 26', 'TR33 0006 1005 1978 6457 8413 26'],
    ['Croatia HR12 1001 0051 8630 0016 0', 'HR12 1001 0051 8630 0016 0'],
    ['Slovenia SI56 2633 0001 2039 086', 'SI56 2633 0001 2039 086'],
    ['Liechtenstein LI21 0881 0000 2324 013A A', 'LI21 0881 0000 2324 013A A'],
    ['Iceland IS14 0159 2600 7654 5510 7303 39', 'IS14 0159 2600 7654 5510 7303 39'],
    ['Qatar QA58 DOHB 0000 1234 5678 90AB CDEF G', 'QA58 DOHB 0000 1234 5678 90AB CDEF G'],
    ['Serbia RS35 2600 0560 1001 6113 79', 'RS35 2600 0560 1001 6113 79'],
    ['Kosovo XK05 1212 0123 4567 8906', 'XK05 1212 0123 4567 8906'],
    ['Seychelles SC18 SSCB 1101 0000 0000 0000 1497 USD', 'SC18 SSCB 1101 0000 0000 0000 1497 USD'],
    ['(RO49 AAAA 1B31 0075 9384 0000)', 'RO49 AAAA 1B31 0075 9384 0000'],
    ['"VA59001123000012345678"', 'VA59001123000012345678'],
    ['dashes DE89-3704-0044-0532-0130-00', 'DE89-3704-0044-0532-0130-00'],
    ['pay to GB29-NWBK-6016-1331-9268-19.', 'GB29-NWBK-6016-1331-9268-19'],
  ])('%j holds an IBAN', (text, value) => {
    expectExactlyOne(text, 'IBAN', value);
  });

  test.each([
    'wrong check digits DE89 3704 0044 0532 0130 01',
    'wrong check digits DE88370400440532013000',
    'wrong check digits GB82 WEST 1234 5698 7654 33',
    'too short DE89 3704 0044 0532 0130',
    'glued DE89370400440532013000X',
    'glued xDE89370400440532013000',
    'glued ts_DE89370400440532013000',
    'unknown country XX89370400440532013000',
    'no IBAN in the US: US12 3456 7890 1234 5678',
    'too long compact DE893704004405320130000',
    'odd grouping DE89 37040044 0532 0130 00',
    'double space DE89  3704 0044 0532 0130 00',
    'a letter dropped NL91ABNA041716430',
    'wrong check digits NL91 ABNA 0417 1643 01',
    'wrong check digits FR14 2004 1010 0505 0001 3M02 607',
    'just a prefix AB12',
    'all zeros DE00 0000 0000 0000 0000 00',
    'ISO 9001 certified',
    'wrong check digits CH93 0076 2011 6238 5295 8',
    'wrong check digits BE68 5390 0754 7035',
    'wrong check digits NO93 8601 1117 948',
    'one character short GB29 NWBK 6016 1331 9268 1',
    'one character short GB29NWBK6016133192681',
    'wrong check digits IT60X0542811101000000123457',
    'wrong check digits ES91 2100 0418 4502 0005 1333',
    'wrong check digits PL61 1090 1014 0000 0712 1981 2875',
    'wrong check digits SE45 5000 0000 0583 9825 7467',
    'wrong check digits MT84MALT011000012345MTLCAST01T',
    'wrong check digits SA03 8000 0000 6080 1016 7510',
    'words like HE12 or AB34',
    'swapped digits DE98 3704 0044 0532 0130 00',
    'dashes, wrong check digits DE89-3704-0044-0532-0130-01',
    'mixed separators DE89 3704-0044 0532 0130 00',
    'if (a == b) { return x.y.z; }',
  ])('%j holds no IBAN', (text) => {
    expectNothing(text);
  });

  test('the length table covers the registry and only sane lengths', () => {
    expect(Object.keys(IBAN_LENGTHS).length).toBeGreaterThanOrEqual(89);
    for (const [country, len] of Object.entries(IBAN_LENGTHS)) {
      expect(country).toMatch(/^[A-Z]{2}$/);
      expect(len).toBeGreaterThanOrEqual(15);
      expect(len).toBeLessThanOrEqual(34);
    }
  });
});
