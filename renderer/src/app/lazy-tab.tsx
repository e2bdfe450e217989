import { Component, lazy, Suspense, type ComponentType, type ErrorInfo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A tab whose code is a chunk of its own, loaded the first time the tab is shown or when `preload`
 * is called (issue #15: the first screen parses only what it shows). Until the chunk is there the
 * panel says "Loading …"; a chunk that cannot be loaded says so, with a button to reload.
 *
 * Once loaded, the tab renders at once (no loading line, no extra render): the lazy component gets
 * an already settled thenable, which React.lazy reads synchronously.
 */
export interface LazyTab<P extends object> {
  readonly Component: ComponentType<P>;
  /** Starts loading the chunk (once); resolves when the tab renders without waiting. */
  preload(): Promise<void>;
}

export function lazyTab<P extends object>(load: () => Promise<ComponentType<P>>): LazyTab<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  const preload = () =>
    (pending ??= load().then(
      (component) => (loaded = component),
      (error: unknown) => {
        pending = null;
        throw error;
      },
    ));
  const Lazy = lazy(() =>
    loaded ? settled({ default: loaded }) : preload().then((component) => ({ default: component })),
  );
  // Lazy's props are P; React's types for lazy() of a generic component need the cast.
  const Loaded = Lazy as unknown as ComponentType<P>;
  function Tab(props: P) {
    return (
      <LoadFailure>
        <Suspense fallback={<Loading />}>
          <Loaded {...props} />
        </Suspense>
      </LoadFailure>
    );
  }
  return { Component: Tab, preload: () => preload().then(() => undefined) };
}

/** A thenable that calls back at once: React.lazy then renders without suspending. */
function settled<T>(value: T): Promise<T> {
  const thenable = {
    then(onFulfilled: (value: T) => unknown) {
      onFulfilled(value);
      return thenable;
    },
  };
  return thenable as unknown as Promise<T>;
}

function Loading() {
  const { t } = useTranslation();
  return (
    <p className="panel__loading" role="status">
      {t('lazyTab.loading')}
    </p>
  );
}

function LoadFailed() {
  const { t } = useTranslation();
  return (
    <div role="alert" className="panel__failed">
      <p>{t('lazyTab.failed')}</p>
      <button type="button" className="button" onClick={() => window.location.reload()}>
        {t('lazyTab.reload')}
      </button>
    </div>
  );
}

class LoadFailure extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('A tab could not be loaded', error, info.componentStack);
  }

  override render(): ReactNode {
    return this.state.failed ? <LoadFailed /> : this.props.children;
  }
}
