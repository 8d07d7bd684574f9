// The safetensors file format (an 8-byte little-endian header length, a JSON header naming each
// tensor's dtype, shape and byte range, then the raw little-endian data), read and written here
// without a dependency. Checkpoints use it so other tools can open them.

export type SafetensorsDtype = 'F32' | 'F16' | 'I32';

/** One stored tensor; `data` is the typed array for its dtype (F16 is kept as raw Uint16 bits). */
export type StoredTensor =
  | { readonly dtype: 'F32'; readonly shape: readonly number[]; readonly data: Float32Array }
  | { readonly dtype: 'F16'; readonly shape: readonly number[]; readonly data: Uint16Array }
  | { readonly dtype: 'I32'; readonly shape: readonly number[]; readonly data: Int32Array };

export interface SafetensorsFile {
  readonly tensors: ReadonlyMap<string, StoredTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

const bytesPerElement: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, I32: 4 };

export function encodeSafetensors(file: SafetensorsFile): Buffer {
  const header: Record<string, unknown> = {};
  if (Object.keys(file.metadata).length > 0) header['__metadata__'] = file.metadata;
  let offset = 0;
  const names = [...file.tensors.keys()].sort();
  for (const name of names) {
    const tensor = file.tensors.get(name)!;
    checkElementCount(name, tensor);
    const length = tensor.data.byteLength;
    header[name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + length] };
    offset += length;
  }
  let headerText = JSON.stringify(header);
  headerText += ' '.repeat((8 - (Buffer.byteLength(headerText) % 8)) % 8); // keeps data 8-byte aligned
  const headerBytes = Buffer.from(headerText, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let cursor = 8 + headerBytes.length;
  for (const name of names) {
    const data = file.tensors.get(name)!.data;
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, cursor);
    cursor += data.byteLength;
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.length < 8) throw new Error('safetensors: file shorter than its 8-byte header length');
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.readBigUInt64LE(0));
  if (8 + headerLength > bytes.length) throw new Error('safetensors: header length exceeds the file');
  const header = JSON.parse(view.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, unknown>;
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, StoredTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets } = entry as { dtype: SafetensorsDtype; shape: number[]; data_offsets: [number, number] };
    if (!(dtype in bytesPerElement)) throw new Error(`safetensors: tensor ${name} has unsupported dtype ${dtype}`);
    const [begin, end] = data_offsets;
    if (dataStart + end > bytes.length || begin > end) throw new Error(`safetensors: tensor ${name} lies outside the file`);
    // Copy so the typed array is aligned and independent of the file buffer.
    const raw = new Uint8Array(view.subarray(dataStart + begin, dataStart + end));
    const tensor = typedTensor(dtype, shape, raw.buffer);
    checkElementCount(name, tensor);
    tensors.set(name, tensor);
  }
  return { tensors, metadata };
}

function typedTensor(dtype: SafetensorsDtype, shape: number[], buffer: ArrayBuffer): StoredTensor {
  switch (dtype) {
    case 'F32':
      return { dtype, shape, data: new Float32Array(buffer) };
    case 'F16':
      return { dtype, shape, data: new Uint16Array(buffer) };
    case 'I32':
      return { dtype, shape, data: new Int32Array(buffer) };
  }
}

function checkElementCount(name: string, tensor: StoredTensor): void {
  const expected = tensor.shape.reduce((a, b) => a * b, 1);
  if (tensor.data.length !== expected) {
    throw new Error(`safetensors: tensor ${name} has ${tensor.data.length} elements, its shape [${tensor.shape}] needs ${expected}`);
  }
}
