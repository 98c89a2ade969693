import { useEffect, useRef, type ReactNode } from 'react';
import { api, type Me } from './api';
import { useI18n } from './i18n';
import { matchPage, type PageDef } from './pages';
import { navigate, pathnameOf, useLocation } from './router';
import { getToken, rememberReturnPath, ROLES, updateUser, useSessionUser, type Role, type SessionUser } from './session';
import { Shell } from './components/Shell';
import { Link, PageTitle } from './components/ui';
import { LoginPage } from './pages/LoginPage';
import { HomePage } from './pages/HomePage';
import { OwnersPage } from './pages/OwnersPage';
import { LocationsPage } from './pages/LocationsPage';
import { UsersPage } from './pages/UsersPage';
import { JobsPage } from './pages/JobsPage';
import { FloorPage } from './pages/FloorPage';
import { PrintersPage } from './pages/PrintersPage';
import { SkusPage } from './pages/SkusPage';
import { StockPage } from './pages/StockPage';
import { SkuFormPage } from './pages/SkuForm';
import { SkuImportPage } from './pages/SkuImport';
import { OrdersPage } from './pages/OrdersPage';
import { OrderDetailPage } from './pages/OrderDetail';
import { OrderImportPage } from './pages/OrderImport';
import { StoresPage } from './pages/StoresPage';
import { StoreDetailPage } from './pages/StoreDetail';
import { ManifestDetailPage, ManifestsPage } from './pages/ManifestsPage';
import { ShipmentsPage } from './pages/ShipmentsPage';
import { TerminalApp } from './terminal/TerminalApp';

const VIEWS: Record<PageDef['name'], (props: { user: SessionUser; params: Record<string, string> }) => ReactNode> = {
  home: HomePage,
  owners: OwnersPage,
  skus: SkusPage,
  stock: StockPage,
  skuNew: SkuFormPage,
  skuImport: SkuImportPage,
  skuEdit: SkuFormPage,
  orders: OrdersPage,
  orderImport: OrderImportPage,
  orderDetail: OrderDetailPage,
  stores: StoresPage,
  storeDetail: StoreDetailPage,
  locations: LocationsPage,
  users: UsersPage,
  jobs: JobsPage,
  floor: FloorPage,
  printers: PrintersPage,
  terminal: TerminalApp,
  termReceive: TerminalApp,
  termPutaway: TerminalApp,
  termMove: TerminalApp,
  termPack: TerminalApp,
  termPick: TerminalApp,
  termPutwall: TerminalApp,
  termDock: TerminalApp,
  manifests: ManifestsPage,
  manifestDetail: ManifestDetailPage,
  shipments: ShipmentsPage,
};

function Problem({ text }: { text: string }) {
  const { t } = useI18n();
  return (
    <section>
      <PageTitle>{text}</PageTitle>
      <p>
        <Link to="/">{t('error.backHome')}</Link>
      </p>
    </section>
  );
}

export function App() {
  const location = useLocation();
  const pathname = pathnameOf(location);
  const user = useSessionUser();
  const { t } = useI18n();

  // A remembered login is checked once per page load; a dead token sends the user to /login.
  useEffect(() => {
    if (!getToken()) return;
    api<Me>('/api/v1/auth/me')
      .then((me) => {
        if (ROLES.includes(me.role as Role)) {
          updateUser({ id: me.id, username: me.username, role: me.role as Role, ownerId: me.ownerId, carrierId: me.carrierId });
        }
      })
      .catch(() => undefined);
  }, []);

  // A deep link opened without a login comes back after it; a logout does not (and an
  // expired session is remembered by the API client).
  const hadUser = useRef(!!user);
  if (user) hadUser.current = true;
  const onLogin = pathname === '/login';
  useEffect(() => {
    if (!user && !onLogin) {
      if (!hadUser.current) rememberReturnPath(location);
      navigate('/login', { replace: true });
    } else if (user && onLogin) {
      navigate('/', { replace: true });
    }
  }, [user, onLogin, location]);

  if (onLogin) return user ? null : <LoginPage />;
  if (!user) return null;

  const match = matchPage(pathname);
  // The scanner terminal is full screen: its own compact header, no office navigation.
  if (match?.page.terminal && match.page.roles.includes(user.role)) return <TerminalApp user={user} params={match.params} />;
  let body: ReactNode;
  if (!match) body = <Problem text={t('error.notFound')} />;
  else if (!match.page.roles.includes(user.role)) body = <Problem text={t('error.forbidden')} />;
  else {
    const View = VIEWS[match.page.name];
    body = <View key={pathname} user={user} params={match.params} />;
  }
  return (
    <Shell user={user} pathname={pathname}>
      {body}
    </Shell>
  );
}
