// What mnemo's webviews ask the network for, seen from the browser: every request of a frame
// whose ancestry includes a webview iframe of mnemo (VS Code puts `extensionId=<id>` in that
// iframe's URL), and every Content Security Policy refusal those frames log. A request for an
// http(s)/ws(s) URL off the machine that the webview's service worker did not answer, or a CSP
// refusal naming one, is remote; the webviews must make none. Used by
// extension-tests.ts; the classification is pure and unit-tested.

export const MNEMO_EXTENSION_ID = 'mnemo.mnemo';

/** True when one of the frame URLs (the frame and its ancestors) is a webview iframe of the extension. */
export function isExtensionWebviewFrame(frameChain: readonly string[], extensionId = MNEMO_EXTENSION_ID): boolean {
  return frameChain.some(url => {
    try {
      return new URL(url).searchParams.get('extensionId')?.toLowerCase() === extensionId.toLowerCase();
    } catch {
      return false;
    }
  });
}

/** http(s) and ws(s) URLs whose host is not loopback; data:, blob: and vscode-* schemes stay local. */
export function isRemoteUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol)) return false;
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return !(host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host));
}

/** The URLs a CSP refusal message names ("Refused to load the image 'https://…' because …"). */
export function urlsInCspRefusal(message: string): string[] {
  if (!/Content Security Policy/.test(message)) return [];
  return [...message.matchAll(/'((?:https?|wss?):\/\/[^']+)'/g)].map(match => match[1]!);
}

export interface WebviewNetworkReport {
  /** Distinct webview frames of the extension that made at least one request. */
  readonly frames: number;
  readonly requests: number;
  /** Remote requests and remote URLs in CSP refusals, each "<url> (from <frame>)". */
  readonly remote: readonly string[];
}

export class WebviewNetworkLog {
  private readonly frames = new Set<string>();
  /** VS Code's webview ids (`id=` in the frame URLs) of the extension's webviews seen so far. */
  private readonly webviewIds = new Set<string>();
  private requests = 0;
  private readonly remote: string[] = [];

  constructor(private readonly extensionId = MNEMO_EXTENSION_ID) {}

  /**
   * A finished or failed request of the frame whose URL is frameChain[0] (its ancestors after it).
   * `fromServiceWorker`: answered by the webview's service worker, which serves VS Code's resource
   * URLs (https://*.vscode-resource.vscode-cdn.net/...) from the extension folder without any
   * network; such a request is local whatever its URL says.
   */
  request(url: string, frameChain: readonly string[], fromServiceWorker = false): void {
    if (!isExtensionWebviewFrame(frameChain, this.extensionId)) return;
    for (const frame of frameChain) {
      const id = webviewId(frame);
      if (id) this.webviewIds.add(id);
    }
    this.frames.add(frameChain[0] ?? '');
    this.requests++;
    if (isRemoteUrl(url) && !fromServiceWorker) this.remote.push(`${url} (from ${frameChain[0]})`);
  }

  /**
   * A console message and the URL of the document that logged it (Playwright gives no frame for
   * console messages): CSP refusals of remote URLs in the extension's webviews count as remote.
   */
  console(text: string, documentUrl: string): void {
    const id = webviewId(documentUrl);
    if (!isExtensionWebviewFrame([documentUrl], this.extensionId) && !(id && this.webviewIds.has(id))) return;
    for (const url of urlsInCspRefusal(text)) if (isRemoteUrl(url)) this.remote.push(`${url} (refused by CSP, in ${documentUrl})`);
  }

  report(): WebviewNetworkReport {
    return { frames: this.frames.size, requests: this.requests, remote: [...this.remote] };
  }
}

function webviewId(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get('id') ?? undefined;
  } catch {
    return undefined;
  }
}
