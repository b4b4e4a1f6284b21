// The few parts of Bootstrap's bundle (loaded as a classic script) that the modules use.
interface BootstrapModal {
  show(): void;
  hide(): void;
}

interface Window {
  bootstrap: {
    Modal: { getOrCreateInstance(element: Element): BootstrapModal };
    Toast: { getOrCreateInstance(element: Element, options?: { delay?: number }): { show(): void } };
  };
}
