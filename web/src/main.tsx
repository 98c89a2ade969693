import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nProvider } from './i18n';
import { App } from './App';
import './styles/base.css';
import './styles/layout.css';
import './styles/login.css';
import './styles/products.css';
import './styles/sku-form.css';
import './styles/sku-import.css';
import './styles/orders.css';
import './styles/stores.css';
import './styles/printing.css';
import './styles/floor.css';
import './styles/terminal.css';
import './styles/terminal-screens.css';
import './styles/packing.css';
import './styles/picking.css';
import './styles/dock.css';
import './styles/shipments.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <I18nProvider>
        <App />
      </I18nProvider>
    </StrictMode>,
  );
}
