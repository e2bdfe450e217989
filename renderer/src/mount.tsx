import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles.css';

/** Renders the page's content into #root; shared by the Electron entry and the browser-host entry. */
export function mount(content: ReactNode): void {
  const container = document.getElementById('root');
  if (!container) throw new Error('The page has no #root element');
  createRoot(container).render(<StrictMode>{content}</StrictMode>);
}
