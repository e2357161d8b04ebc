// eilnet's GraphiQL: GraphiQL 5 with the explorer plugin, every script,
// style, font and worker served by eilnet itself (see build.mjs).
import { createRoot } from 'react-dom/client';
import { GraphiQL, HISTORY_PLUGIN } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { explorerPlugin } from '@graphiql/plugin-explorer';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import './page.css';
import { headerlessStorage } from './storage.js';

// Monaco's workers, bundled beside this script; build.mjs defines their
// content-hashed names.
const workers = {
  editor: __EDITOR_WORKER__,
  json: __JSON_WORKER__,
  graphql: __GRAPHQL_WORKER__,
};
globalThis.MonacoEnvironment = {
  getWorker(_id, label) {
    return new Worker(new URL(workers[label] ?? workers.editor, import.meta.url), { name: label });
  },
};

// The API, on this page's origin: the page names it.
const endpoint = document.querySelector('meta[name="graphql-endpoint"]')?.content || '/query';
const fetcher = createGraphiQLFetcher({ url: new URL(endpoint, window.location.href).href });
const plugins = [HISTORY_PLUGIN, explorerPlugin()];

const defaultQuery = `# eilnet's GraphQL API. Put your API key in the headers below:
#   {"Authorization": "Bearer <key>"}
# Without one you are ANONYMOUS.
{
  viewer {
    role
    name
  }
}
`;

createRoot(document.getElementById('graphiql')).render(
  <GraphiQL
    fetcher={fetcher}
    plugins={plugins}
    defaultQuery={defaultQuery}
    shouldPersistHeaders={false}
    storage={headerlessStorage()}
  />,
);
