import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './shell/app.tsx';
import './shell/styles.css';
import { applyStoredPreferences } from './session/preferences.ts';

// Before anything is drawn: the text size, contrast and motion this browser last knew, so nothing flashes.
applyStoredPreferences();

const container = document.getElementById('root');
if (container === null) throw new Error('The page has no #root element.');

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
