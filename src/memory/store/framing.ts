// Byte framing shared by every memory store file (snapshot, journal, export): a checksummed
// header, then checksummed records. Pure functions over Buffers; no file access here.
//
//   file    = magic(8) version(u32) headerLen(u32) headerCrc(u32) headerJson(headerLen) record*
//   record  = "MREC"(4) payloadLen(u32) crc(u32) payload(payloadLen)
//   payload = jsonLen(u32) json(jsonLen) rowData(rest: float32 little-endian)
//
// All integers are little-endian. headerCrc is crc32 over version, headerLen and headerJson;
// a record's crc is crc32 over payloadLen and payload, so a damaged length is caught too.

import { crc32 } from 'node:zlib';

/** Written by this mnemo. 2: a snapshot holds one record per note (so damage costs one note). */
export const FORMAT_VERSION = 2;
/** The oldest format this mnemo still reads (1: a snapshot's notes in one record). */
export const OLDEST_FORMAT_VERSION = 1;

export type FileKind = 'snapshot' | 'journal' | 'export';

const MAGIC: Readonly<Record<FileKind, string>> = {
  snapshot: 'MNEMOSNP',
  journal: 'MNEMOJNL',
  export: 'MNEMOEXP',
};

const RECORD_MAGIC = 0x4345524d; // "MREC" read as little-endian u32
const FILE_PREFIX_BYTES = 20;
export const RECORD_FRAME_BYTES = 12;

export interface DecodedRecord<T = unknown> {
  readonly json: T;
  /** Row data that followed the JSON, copied into its own aligned buffer. */
  readonly rows: Float32Array;
  /** Byte offset of the record's frame in the file. */
  readonly offset: number;
  /** Byte offset just past the record. */
  readonly end: number;
}

export function encodeHeader(kind: FileKind, header: object): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(FILE_PREFIX_BYTES);
  prefix.write(MAGIC[kind], 0, 'latin1');
  prefix.writeUInt32LE(FORMAT_VERSION, 8);
  prefix.writeUInt32LE(json.length, 12);
  prefix.writeUInt32LE(crc32(json, crc32(prefix.subarray(8, 16))), 16);
  return Buffer.concat([prefix, json]);
}

export type HeaderResult =
  | { readonly ok: true; readonly header: unknown; readonly end: number }
  | { readonly ok: false; readonly problem: 'foreign' | 'version' | 'corrupt'; readonly reason: string; readonly version?: number };

export function decodeHeader(kind: FileKind, bytes: Buffer): HeaderResult {
  if (bytes.length === 0) return { ok: false, problem: 'corrupt', reason: 'the file is empty' };
  if (bytes.length < FILE_PREFIX_BYTES) {
    // The start of our own header, cut short, is a damaged store file rather than somebody else's.
    const start = bytes.toString('latin1', 0, Math.min(8, bytes.length));
    if (MAGIC[kind].startsWith(start))
      return { ok: false, problem: 'corrupt', reason: `the file ends inside its header (${bytes.length} bytes)` };
    return { ok: false, problem: 'foreign', reason: `only ${bytes.length} bytes, shorter than a store header` };
  }
  const magic = bytes.toString('latin1', 0, 8);
  if (magic !== MAGIC[kind]) {
    const otherKind = (Object.keys(MAGIC) as FileKind[]).find(k => MAGIC[k] === magic);
    const reason = otherKind ? `it is a mnemo ${otherKind} file, expected a ${kind} file` : `it does not start with ${MAGIC[kind]}`;
    return { ok: false, problem: 'foreign', reason };
  }
  const version = bytes.readUInt32LE(8);
  const length = bytes.readUInt32LE(12);
  if (FILE_PREFIX_BYTES + length > bytes.length) {
    return { ok: false, problem: 'corrupt', reason: `header claims ${length} bytes but the file ends first` };
  }
  const json = bytes.subarray(FILE_PREFIX_BYTES, FILE_PREFIX_BYTES + length);
  if (crc32(json, crc32(bytes.subarray(8, 16))) !== bytes.readUInt32LE(16)) {
    return { ok: false, problem: 'corrupt', reason: 'header checksum mismatch' };
  }
  if (version < OLDEST_FORMAT_VERSION || version > FORMAT_VERSION) {
    return { ok: false, problem: 'version', reason: `format ${version}`, version };
  }
  try {
    return { ok: true, header: JSON.parse(json.toString('utf8')), end: FILE_PREFIX_BYTES + length };
  } catch {
    return { ok: false, problem: 'corrupt', reason: 'header is not valid JSON' };
  }
}

/** One record: JSON metadata plus optional float32 row data (prev/next rows, current rows...). */
export function encodeRecord(json: object, rows: readonly Float32Array[] = []): Buffer {
  const jsonBytes = Buffer.from(JSON.stringify(json), 'utf8');
  const rowBytes = rows.reduce((sum, r) => sum + r.byteLength, 0);
  const payloadLength = 4 + jsonBytes.length + rowBytes;
  const out = Buffer.alloc(RECORD_FRAME_BYTES + payloadLength);
  out.writeUInt32LE(RECORD_MAGIC, 0);
  out.writeUInt32LE(payloadLength, 4);
  out.writeUInt32LE(jsonBytes.length, RECORD_FRAME_BYTES);
  jsonBytes.copy(out, RECORD_FRAME_BYTES + 4);
  let at = RECORD_FRAME_BYTES + 4 + jsonBytes.length;
  for (const r of rows) {
    writeFloat32LE(out, at, r);
    at += r.byteLength;
  }
  out.writeUInt32LE(crc32(out.subarray(RECORD_FRAME_BYTES), crc32(out.subarray(4, 8))), 8);
  return out;
}

export type RecordScan =
  | { readonly kind: 'record'; readonly record: DecodedRecord }
  | { readonly kind: 'end' }
  /** The bytes from `offset` to the end of the file are an incomplete record (a torn append). */
  | { readonly kind: 'torn'; readonly offset: number; readonly reason: string }
  /** Damage with more data after it: not a torn append, the file is corrupt. */
  | { readonly kind: 'corrupt'; readonly offset: number; readonly reason: string };

/** Decodes the record at `offset`, telling a torn tail (crash during append) from real damage. */
export function scanRecord(bytes: Buffer, offset: number): RecordScan {
  const remaining = bytes.length - offset;
  if (remaining === 0) return { kind: 'end' };
  if (remaining < RECORD_FRAME_BYTES) {
    return { kind: 'torn', offset, reason: `${remaining} trailing bytes, shorter than a record frame` };
  }
  if (bytes.readUInt32LE(offset) !== RECORD_MAGIC) {
    // A crash can leave a zero-filled tail (the size was extended, the data never landed).
    if (isAllZero(bytes, offset)) return { kind: 'torn', offset, reason: `${remaining} zero bytes at the end` };
    return { kind: 'corrupt', offset, reason: 'record marker missing' };
  }
  const payloadLength = bytes.readUInt32LE(offset + 4);
  const end = offset + RECORD_FRAME_BYTES + payloadLength;
  if (end > bytes.length) {
    // A torn append leaves a prefix of one record and nothing after it. Intact records further on
    // mean this length was damaged: calling it torn would roll back every record after it.
    if (intactRecordAfter(bytes, offset + RECORD_FRAME_BYTES)) {
      return { kind: 'corrupt', offset, reason: `record length ${payloadLength} runs past the end of the file, and intact records follow` };
    }
    return { kind: 'torn', offset, reason: `record of ${payloadLength} bytes cut off after ${remaining - RECORD_FRAME_BYTES}` };
  }
  const payload = bytes.subarray(offset + RECORD_FRAME_BYTES, end);
  if (crc32(payload, crc32(bytes.subarray(offset + 4, offset + 8))) !== bytes.readUInt32LE(offset + 8)) {
    // A last record whose bytes did not all reach the disk is a torn append; damage earlier is not.
    if (end === bytes.length) return { kind: 'torn', offset, reason: 'last record fails its checksum' };
    return { kind: 'corrupt', offset, reason: 'record checksum mismatch' };
  }
  const jsonLength = payload.length >= 4 ? payload.readUInt32LE(0) : Number.MAX_SAFE_INTEGER;
  if (4 + jsonLength > payload.length) return { kind: 'corrupt', offset, reason: 'record JSON length out of range' };
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8', 4, 4 + jsonLength));
  } catch {
    return { kind: 'corrupt', offset, reason: 'record JSON does not parse' };
  }
  const rowByteLength = payload.length - 4 - jsonLength;
  if (rowByteLength % 4 !== 0) return { kind: 'corrupt', offset, reason: 'row data is not whole float32 values' };
  const rows = readFloat32LE(payload, 4 + jsonLength, rowByteLength / 4);
  return { kind: 'record', record: { json, rows, offset, end } };
}

const RECORD_MAGIC_BYTES = Buffer.from('MREC', 'latin1');

/** Whether a whole record with a valid checksum starts anywhere at or after `from`. */
function intactRecordAfter(bytes: Buffer, from: number): boolean {
  return nextIntactRecord(bytes, from) !== undefined;
}

/**
 * The offset of the first whole record with a valid checksum at or after `from`: where reading
 * resynchronises after damage (a false "MREC" inside row data fails its crc32, 1 in 4 billion).
 */
export function nextIntactRecord(bytes: Buffer, from: number): number | undefined {
  for (let at = bytes.indexOf(RECORD_MAGIC_BYTES, from); at !== -1; at = bytes.indexOf(RECORD_MAGIC_BYTES, at + 1)) {
    if (at + RECORD_FRAME_BYTES > bytes.length) return undefined;
    const end = at + RECORD_FRAME_BYTES + bytes.readUInt32LE(at + 4);
    if (end > bytes.length) continue;
    if (crc32(bytes.subarray(at + RECORD_FRAME_BYTES, end), crc32(bytes.subarray(at + 4, at + 8))) === bytes.readUInt32LE(at + 8))
      return at;
  }
  return undefined;
}

/** One stretch of a file that recovery could not read: from `offset` to `end` (exclusive). */
export interface DamagedRange {
  readonly offset: number;
  readonly end: number;
  readonly reason: string;
}

/**
 * Every intact record from `from` on, skipping damage: after a bad record, reading resumes at the
 * next intact one. For recovery only; normal loading refuses at the first damage.
 */
export function salvageRecords(
  bytes: Buffer,
  from: number,
): {
  readonly records: readonly DecodedRecord[];
  readonly damaged: readonly DamagedRange[];
  readonly readableJson: readonly DecodedRecord[];
} {
  const records: DecodedRecord[] = [];
  const damaged: DamagedRange[] = [];
  // Damaged records whose frame still fits (the next intact record starts where it ends) and whose
  // JSON still parses: their rows cannot be trusted, but a note checksum in the JSON can prove the
  // note itself intact (storeSalvage.ts decides).
  const readableJson: DecodedRecord[] = [];
  let offset = from;
  while (offset < bytes.length) {
    const scan = scanRecord(bytes, offset);
    if (scan.kind === 'end') break;
    if (scan.kind === 'record') {
      records.push(scan.record);
      offset = scan.record.end;
      continue;
    }
    const next = nextIntactRecord(bytes, scan.offset + 1);
    damaged.push({ offset: scan.offset, end: next ?? bytes.length, reason: scan.reason });
    const json = jsonOfDamagedRecord(bytes, scan.offset, next ?? bytes.length);
    if (json !== undefined) readableJson.push({ json, rows: new Float32Array(0), offset: scan.offset, end: next ?? bytes.length });
    if (next === undefined) break;
    offset = next;
  }
  return { records, damaged, readableJson };
}

/** The JSON of a record at `offset` that should end at `end`, if its frame says so and it parses. */
function jsonOfDamagedRecord(bytes: Buffer, offset: number, end: number): unknown {
  if (offset + RECORD_FRAME_BYTES + 4 > end || bytes.readUInt32LE(offset) !== RECORD_MAGIC) return undefined;
  if (offset + RECORD_FRAME_BYTES + bytes.readUInt32LE(offset + 4) !== end) return undefined;
  const jsonLength = bytes.readUInt32LE(offset + RECORD_FRAME_BYTES);
  const start = offset + RECORD_FRAME_BYTES + 4;
  if (start + jsonLength > end) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8', start, start + jsonLength));
  } catch {
    return undefined;
  }
}

function isAllZero(bytes: Buffer, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

// Row bytes are copied, never converted through a JS number, so every float32 (NaN payloads
// included) round-trips bit for bit. Big-endian hosts swap bytes explicitly.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function writeFloat32LE(out: Buffer, at: number, values: Float32Array): void {
  const source = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  source.copy(out, at);
  if (!HOST_IS_LITTLE_ENDIAN) out.subarray(at, at + values.byteLength).swap32();
}

function readFloat32LE(bytes: Buffer, at: number, count: number): Float32Array {
  const out = new Float32Array(count);
  const target = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  bytes.copy(target, 0, at, at + count * 4);
  if (!HOST_IS_LITTLE_ENDIAN) target.swap32();
  return out;
}
