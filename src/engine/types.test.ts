// Compile-time tests of the engine's public types (they fail `npm run typecheck`, not the runner).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataTypeMap, DType, TypedArrayOf } from './dtype';
import { VjpTable } from './gradients';
import { HostTensor } from './runtime/runtime';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectType = <T extends true>(): T | undefined => undefined;

// The host array types follow the dtype table.
type TableArrays = { [D in DType]: InstanceType<(typeof DataTypeMap)[D]['array']> };
expectType<{ [D in DType]: TableArrays[D] extends TypedArrayOf<D> ? true : false }[DType]>();
expectType<Equal<TypedArrayOf<'int64'>, BigInt64Array>>();
expectType<Equal<HostTensor<'float32'>['data'], Float32Array>>();

// @ts-expect-error a VJP table must have an entry (a rule or null) for every op
const incomplete: VjpTable = { Add: null };

// @ts-expect-error a float32 HostTensor cannot carry int64 data
const mismatched: HostTensor<'float32'> = { dtype: 'float32', shape: [1], data: new BigInt64Array(1) };

test('type tests compile', () => {
  assert.ok(incomplete !== undefined && mismatched !== undefined);
});
