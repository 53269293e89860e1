import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { reloadOnStaleRelease } from './staleRelease';
import './styles.css';

reloadOnStaleRelease(window, sessionStorage, () => window.location.reload());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
