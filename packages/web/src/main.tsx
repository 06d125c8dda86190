/** The dashboard's entry point in the browser. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/api-client';
import { App } from './app';
import { applyInitialTheme } from './theme/use-theme';
import './styles.css';

applyInitialTheme();
const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no <div id="root">: the dashboard has nowhere to render');
createRoot(root).render(
  <StrictMode>
    <App api={createApiClient()} />
  </StrictMode>,
);
