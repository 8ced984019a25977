/**
 * The extension's controls that live in OHIF's header (the session indicator, the save control) are
 * plain DOM, made when a mode visit starts; OHIF renders the header's toolbar sections later and on
 * its own schedule. This registry joins the two: a control is put under its name, and the header
 * host of that name (HeaderItemHost.tsx) shows whatever is there, now or when it arrives.
 */
export class HeaderItems {
  private readonly elements = new Map<string, HTMLElement>();
  private readonly listeners = new Set<() => void>();

  /** Puts a control under a name; returns the function that takes it away again. */
  put(name: string, element: HTMLElement): () => void {
    this.elements.set(name, element);
    this.changed();
    return () => {
      if (this.elements.get(name) !== element) return;
      this.elements.delete(name);
      element.remove();
      this.changed();
    };
  }

  get(name: string): HTMLElement | undefined {
    return this.elements.get(name);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.listeners.forEach(listener => listener());
  }
}
