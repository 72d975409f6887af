import { render } from 'solid-js/web';
import { App } from './App.tsx';
import { api } from './lib/api.ts';
import { useConfig } from './lib/auth.ts';
import './styles.css';

const root = document.getElementById('root')!;
api.config().then(
  (config) => {
    useConfig(config);
    render(() => <App config={config} />, root);
  },
  () => {
    root.innerHTML =
      '<main class="center"><h1>Parley</h1><p role="alert">The server cannot be reached. Check your connection and reload.</p></main>';
  },
);
