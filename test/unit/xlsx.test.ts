/** The dependency-free XLSX writer's pure parts: column letters, XML text, sheet names and cells. */
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { columnName, isValidSheetName, sheetXml, xmlText } from '../../src-main/engine/util/xlsx.js';
import { zip } from '../../src-main/engine/util/zip.js';

describe('xlsx', () => {
  test('column letters', () => {
    const cases: Array<[number, string]> = [
      [0, 'A'],
      [1, 'B'],
      [25, 'Z'],
      [26, 'AA'],
      [27, 'AB'],
      [51, 'AZ'],
      [52, 'BA'],
      [701, 'ZZ'],
      [702, 'AAA'],
      [16_383, 'XFD'],
    ];
    for (const [index, name] of cases) assert.equal(columnName(index), name, `column ${index}`);
    for (const bad of [-1, 16_384, 1.5, Number.NaN]) assert.throws(() => columnName(bad), RangeError, `column ${bad}`);
  });

  test('XML text: escaped, characters XML cannot carry dropped, the rest kept', () => {
    const cases: Array<[string, string]> = [
      ['plain', 'plain'],
      ['A & B <c> "d"', 'A &amp; B &lt;c&gt; &quot;d&quot;'],
      ["O'Brien", "O'Brien"],
      ['tab\tnew\nline\r', 'tab\tnew\nline\r'],
      ['bell\x07 nul\0 esc\x1b', 'bell nul esc'],
      ['=SUM(A1)', '=SUM(A1)'],
      ['Zoë 日本 😀', 'Zoë 日本 😀'],
      ['lone \ud800 high, lone \udc00 low', 'lone  high, lone  low'],
      ['\ufffe\uffff', ''],
    ];
    for (const [input, expected] of cases) assert.equal(xmlText(input), expected, JSON.stringify(input));
  });

  test('sheet names', () => {
    const cases: Array<[string, boolean]> = [
      ['Payroll', true],
      ['Payroll 2026-11', true],
      ['', false],
      ['x'.repeat(31), true],
      ['x'.repeat(32), false],
      ['a/b', false],
      ['a:b', false],
      ['[a]', false],
      ['a?', false],
      ["'quoted'", false],
    ];
    for (const [name, valid] of cases) assert.equal(isValidSheetName(name), valid, JSON.stringify(name));
  });

  test('cells: numbers as numbers, text inline (never a formula), empty cells left out, header bold', () => {
    const xml = sheetXml(['id', 'name', 'note'], [
      [7, '=HYPERLINK("x")', null],
      [0, '', ' padded '],
      [-2.5, undefined, 'a&b'],
    ]);
    assert.match(xml, /<row r="1"><c r="A1" t="inlineStr" s="1"><is><t>id<\/t><\/is><\/c><c r="B1" t="inlineStr" s="1">/);
    assert.match(xml, /<c r="A2"><v>7<\/v><\/c><c r="B2" t="inlineStr"><is><t>=HYPERLINK\(&quot;x&quot;\)<\/t><\/is><\/c><\/row>/);
    assert.doesNotMatch(xml, /<f>/, 'no formula cells');
    assert.match(xml, /<row r="3"><c r="A3"><v>0<\/v><\/c><c r="C3" t="inlineStr"><is><t xml:space="preserve"> padded <\/t><\/is><\/c><\/row>/);
    assert.match(xml, /<row r="4"><c r="A4"><v>-2.5<\/v><\/c><c r="C4" t="inlineStr"><is><t>a&amp;b<\/t><\/is><\/c><\/row>/);
    assert.match(xml, /<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"\/>/);
    assert.throws(() => sheetXml(['n'], [[Number.POSITIVE_INFINITY]]), /not a number/);
    assert.throws(() => sheetXml(['n'], [['x'.repeat(32_768)]]), /at most 32767/);
  });

  test('zip: entries read back (local headers, deflated or stored, CRC, central directory)', () => {
    const text = 'hello '.repeat(200);
    const bytes = zip([
      { name: 'a.txt', data: text },
      { name: 'dir/b.bin', data: new Uint8Array([1, 2, 3]) },
    ]);
    // Walk the central directory from the end record, as a reader does.
    const end = bytes.length - 22;
    assert.equal(bytes.readUInt32LE(end), 0x06054b50);
    assert.equal(bytes.readUInt16LE(end + 10), 2);
    let at = bytes.readUInt32LE(end + 16);
    const read: Record<string, { method: number; data: Buffer }> = {};
    for (let i = 0; i < 2; i++) {
      assert.equal(bytes.readUInt32LE(at), 0x02014b50);
      const method = bytes.readUInt16LE(at + 10);
      const size = bytes.readUInt32LE(at + 20);
      const nameLength = bytes.readUInt16LE(at + 28);
      const name = bytes.subarray(at + 46, at + 46 + nameLength).toString('ascii');
      const local = bytes.readUInt32LE(at + 42);
      assert.equal(bytes.readUInt32LE(local), 0x04034b50);
      const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
      const body = bytes.subarray(start, start + size);
      read[name] = { method, data: method === 8 ? inflateRawSync(body) : Buffer.from(body) };
      at += 46 + nameLength;
    }
    assert.equal(read['a.txt']!.method, 8, 'repetitive text is deflated');
    assert.equal(read['a.txt']!.data.toString('utf8'), text);
    assert.equal(read['dir/b.bin']!.method, 0, 'three bytes are stored');
    assert.deepEqual([...read['dir/b.bin']!.data], [1, 2, 3]);
    assert.throws(() => zip([{ name: '/abs', data: '' }]), RangeError);
    assert.throws(() => zip([{ name: 'a/../b', data: '' }]), RangeError);
    assert.throws(() => zip([{ name: 'x', data: '' }, { name: 'x', data: '' }]), /twice/);
  });
});
