import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { reloadOnStaleRelease } from './staleRelease';
import './styles.css';

try {
  reloadOnStaleRelease(window, sessionStorage, () => window.location.reload());
} catch {
  // site data blocked (reading sessionStorage throws): no automatic reload after a deploy, the shop still loads
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
