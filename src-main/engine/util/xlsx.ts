/**
 * A one-sheet XLSX workbook (Office Open XML, ECMA-376) without a dependency:
 * the five parts a spreadsheet needs, zipped. Text goes in as inline strings
 * (never a formula, so an exported name cannot run as one), finite numbers as
 * numbers, empty cells are left out; the header row is bold and frozen.
 */
import { zip } from './zip.js';

export type XlsxCell = string | number | null | undefined;

/** Excel's limit on the text of one cell. */
export const MAX_CELL_CHARS = 32_767;
/** Excel's limits on a sheet's size. */
export const MAX_ROWS = 1_048_576;
export const MAX_COLUMNS = 16_384;

/** A 0-based column index as its letters: 0 → A, 25 → Z, 26 → AA, 16383 → XFD. */
export function columnName(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_COLUMNS) throw new RangeError(`column ${index} is outside a sheet (0..${MAX_COLUMNS - 1})`);
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/**
 * Text as XML character data: & < > " escaped, and the characters XML 1.0 cannot carry at all
 * (control characters other than tab / line feed / carriage return, lone surrogates, U+FFFE / U+FFFF)
 * dropped: a spreadsheet refuses the whole file for one of them.
 */
export function xmlText(text: string): string {
  return (
    text
      // Control characters are exactly what this strips.
      // eslint-disable-next-line no-control-regex
      .replace(/[\0-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}

/** A sheet name Excel accepts: 1–31 characters, none of : \ / ? * [ ], not starting or ending with '. */
export function isValidSheetName(name: string): boolean {
  return name.length >= 1 && name.length <= 31 && !/[:\\/?*[\]]/.test(name) && !name.startsWith("'") && !name.endsWith("'");
}

function cellXml(ref: string, value: XlsxCell, style: number): string {
  if (value === null || value === undefined || value === '') return '';
  const s = style ? ` s="${style}"` : '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cell ${ref}: ${value} is not a number a sheet can hold`);
    return `<c r="${ref}"${s}><v>${value}</v></c>`;
  }
  if (value.length > MAX_CELL_CHARS) throw new RangeError(`cell ${ref}: ${value.length} characters (a cell holds at most ${MAX_CELL_CHARS})`);
  // Leading or trailing spaces and line breaks are part of the value.
  const space = /^\s|\s$/.test(value) ? ' xml:space="preserve"' : '';
  return `<c r="${ref}" t="inlineStr"${s}><is><t${space}>${xmlText(value)}</t></is></c>`;
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** The worksheet part: the header row (bold, frozen) then the rows. */
export function sheetXml(header: readonly string[], rows: ReadonlyArray<readonly XlsxCell[]>): string {
  if (rows.length + 1 > MAX_ROWS) throw new RangeError(`${rows.length} rows: a sheet holds at most ${MAX_ROWS - 1} under its header`);
  const width = Math.max(header.length, ...rows.map((r) => r.length));
  if (width > MAX_COLUMNS) throw new RangeError(`${width} columns: a sheet holds at most ${MAX_COLUMNS}`);
  const columns = Array.from({ length: width }, (_, i) => columnName(i));
  const rowXml = (cells: readonly XlsxCell[], r: number, style: number) => `<row r="${r}">${cells.map((v, i) => cellXml(`${columns[i]}${r}`, v, style)).join('')}</row>`;
  return (
    `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
    `<sheetData>${rowXml(header, 1, 1)}${rows.map((row, i) => rowXml(row, i + 2, 0)).join('')}</sheetData>` +
    '</worksheet>'
  );
}

/** The workbook as XLSX bytes: one sheet named `sheetName`. */
export function xlsxWorkbook(sheetName: string, header: readonly string[], rows: ReadonlyArray<readonly XlsxCell[]>): Buffer {
  if (!isValidSheetName(sheetName)) throw new RangeError(`"${sheetName}" is not a sheet name a spreadsheet accepts`);
  return zip([
    {
      name: '[Content_Types].xml',
      data:
        `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        '</Types>',
    },
    {
      name: '_rels/.rels',
      data: `${XML_HEAD}<Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: 'xl/workbook.xml',
      data: `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets><sheet name="${xmlText(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data:
        `${XML_HEAD}<Relationships xmlns="${PKG_REL_NS}">` +
        `<Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>` +
        `<Relationship Id="rId2" Type="${REL_NS}/styles" Target="styles.xml"/>` +
        '</Relationships>',
    },
    {
      // Style 0: normal; style 1: bold (the header row).
      name: 'xl/styles.xml',
      data:
        `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}">` +
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>' +
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
        '</styleSheet>',
    },
    { name: 'xl/worksheets/sheet1.xml', data: sheetXml(header, rows) },
  ]);
}
