export type ActivationResult =
  | { readonly kind: 'measured'; readonly ms: number; readonly how: string; readonly detail: Record<string, number | string> }
  | { readonly kind: 'skipped'; readonly reason: string };
export async function measureActivation(_log: (line: string) => void): Promise<ActivationResult> {
  return { kind: 'skipped', reason: 'todo' };
}
