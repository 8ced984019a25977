import React from 'react';
import type { HeaderItems } from './header-items';
import { fitBeforeNextControl } from './fit-before-next-control';

/**
 * A toolbar component (OHIF's header renders it in a toolbar section) that holds one of the
 * extension's plain-DOM controls. A class component, so the runtime bundle's React needs no hooks
 * under OHIF's React.
 */
export function headerItemHost(items: HeaderItems, name: string, { fit = false }: { fit?: boolean } = {}): React.ComponentClass {
  return class HeaderItemHost extends React.Component {
    private container: HTMLDivElement | null = null;
    private unsubscribe: (() => void) | undefined;
    private unfit: (() => void) | undefined;

    private readonly attach = (): void => {
      const element = items.get(name);
      if (!this.container) return;
      if (element && element.parentNode !== this.container) this.container.replaceChildren(element);
      if (!element) this.container.replaceChildren();
    };

    private readonly setContainer = (node: HTMLDivElement | null): void => {
      this.container = node;
      this.attach();
    };

    override componentDidMount(): void {
      this.unsubscribe = items.subscribe(this.attach);
      this.attach();
      // An item in a section OHIF positions absolutely (the secondary one) shrinks instead of covering the next control.
      if (fit && this.container) this.unfit = fitBeforeNextControl(this.container);
    }

    override componentWillUnmount(): void {
      this.unsubscribe?.();
      this.unfit?.();
      // The control outlives this host (OHIF re-renders the header); it is only taken out of it.
      this.container?.replaceChildren();
    }

    override render(): React.ReactNode {
      return <div ref={this.setContainer} data-kheops-header-item={name} style={{ display: 'inline-flex', alignItems: 'center', height: '100%', verticalAlign: 'middle', marginRight: 8, minWidth: 0 }} />;
    }
  };
}
