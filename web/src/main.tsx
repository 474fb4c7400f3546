import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app.tsx';
import './app/styles.css';
import { applyStoredPreferences } from './app/preferences.ts';

// Before anything is drawn: the text size, contrast and motion this browser last knew, so nothing flashes.
applyStoredPreferences();

const container = document.getElementById('root');
if (container === null) throw new Error('The page has no #root element.');

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
