// Element types of engine tensors: one table from which the ONNX codes and the host arrays are derived.

/**
 * The dtypes the engine knows. `onnx` is the TensorProto.DataType code, `array` the host array that
 * holds the elements (float16 is stored as raw IEEE half bits in a Uint16Array; bool as bytes).
 */
export const DataTypeMap = {
  float32: { onnx: 1, array: Float32Array, bytes: 4 },
  float16: { onnx: 10, array: Uint16Array, bytes: 2 },
  int64: { onnx: 7, array: BigInt64Array, bytes: 8 },
  int32: { onnx: 6, array: Int32Array, bytes: 4 },
  bool: { onnx: 9, array: Uint8Array, bytes: 1 },
} as const;

export type DType = keyof typeof DataTypeMap;

interface TypedArrays {
  float32: Float32Array;
  float16: Uint16Array;
  int64: BigInt64Array;
  int32: Int32Array;
  bool: Uint8Array;
}

/** The host array type holding elements of dtype D, e.g. TypedArrayOf<'int64'> = BigInt64Array. */
export type TypedArrayOf<D extends DType> = TypedArrays[D];

export type AnyTypedArray = TypedArrayOf<DType>;

export function isFloatType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float16';
}

export function isIndexType(dtype: DType): boolean {
  return dtype === 'int64' || dtype === 'int32';
}

export function dtypeFromOnnx(code: number): DType {
  for (const [name, entry] of Object.entries(DataTypeMap)) {
    if (entry.onnx === code) return name as DType;
  }
  throw new Error(`unsupported ONNX data type ${code}`);
}

/** A host array of `size` elements of `dtype`, filled with zeros. */
export function allocate<D extends DType>(dtype: D, size: number): TypedArrayOf<D> {
  return new DataTypeMap[dtype].array(size) as TypedArrayOf<D>;
}
