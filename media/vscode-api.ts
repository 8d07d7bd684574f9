// The webview side of VS Code's bridge, typed by the shared protocol: post what the extension
// accepts, receive what it sends, keep state across hide/show (getState/setState).

declare function acquireVsCodeApi(): { postMessage(message: unknown): void; getState(): unknown; setState(state: unknown): void };

export interface Bridge<ToHost, FromHost, State> {
  post(message: ToHost): void;
  onMessage(listener: (message: FromHost) => void): void;
  getState(): State | undefined;
  setState(state: State): void;
}

export function connect<ToHost, FromHost, State>(): Bridge<ToHost, FromHost, State> {
  const api = acquireVsCodeApi();
  return {
    post: message => api.postMessage(message),
    onMessage: listener => window.addEventListener('message', event => listener(event.data as FromHost)),
    getState: () => api.getState() as State | undefined,
    setState: state => api.setState(state),
  };
}

/** Creates an element with text and attributes; text goes through textContent, never innerHTML. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  if (text !== undefined) element.textContent = text;
  return element;
}
