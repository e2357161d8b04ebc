// What GraphiQL keeps in localStorage, less every request header: the
// headers pane holds API keys, and a key must never outlive the tab.
//
// shouldPersistHeaders={false} already keeps GraphiQL's own "headers" and
// "tabState" entries free of headers, but the history plugin stores each
// run's headers with its query ("queries", "favorites") whatever that
// setting says. This storage drops a "headers" entry outright and removes
// every "headers" property from the JSON GraphiQL writes; the query,
// variables and tabs are kept.

const NAMESPACE = 'graphiql:';
// Entries holding the user's own text, not GraphiQL's JSON: kept as written.
const VERBATIM = new Set([`${NAMESPACE}query`, `${NAMESPACE}variables`]);

export function scrub(key, value) {
  if (key === `${NAMESPACE}headers`) {
    return null;
  }
  if (VERBATIM.has(key) || typeof value !== 'string') {
    return value;
  }
  let parsed;
  try {
    parsed = JSON.parse(value);
  } catch {
    return value;
  }
  if (parsed === null || typeof parsed !== 'object') {
    return value;
  }
  return JSON.stringify(parsed, (k, v) => (k === 'headers' ? undefined : v));
}

function local() {
  try {
    const s = window.localStorage;
    s.getItem(NAMESPACE);
    return s;
  } catch {
    return null; // storage disabled: GraphiQL keeps everything in memory
  }
}

// headerlessStorage is GraphiQL's Storage interface over localStorage.
export function headerlessStorage() {
  const s = local();
  if (!s) {
    return null;
  }
  const ours = () => Object.keys(s).filter((k) => k.startsWith(NAMESPACE));
  // Whatever an older page (or another tool) left behind goes now.
  for (const k of ours()) {
    const v = s.getItem(k);
    const clean = scrub(k, v);
    if (clean === null) {
      s.removeItem(k);
    } else if (clean !== v) {
      s.setItem(k, clean);
    }
  }
  return {
    getItem: (k) => s.getItem(k),
    setItem(k, v) {
      const clean = scrub(k, v);
      if (clean === null) {
        s.removeItem(k);
      } else {
        s.setItem(k, clean);
      }
    },
    removeItem: (k) => s.removeItem(k),
    get length() {
      return ours().length;
    },
    clear() {
      for (const k of ours()) {
        s.removeItem(k);
      }
    },
  };
}
