// Reads the activation figure VS Code's "Running Extensions" view shows for an extension:
// "Startup Activation: 123ms" (activated at startup) or "123ms".

export function parseRunningExtensionTime(text: string): number | null {
  const match = /(\d+(?:\.\d+)?)\s*ms\b/.exec(text);
  return match ? Number(match[1]) : null;
}
