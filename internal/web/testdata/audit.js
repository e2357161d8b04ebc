// Runs the GraphQL over HTTP spec's own audit (graphql-http's
// auditServer) against the server at $URL and prints each result as JSON.
const { auditServer } = require('graphql-http');

auditServer({ url: process.env.URL }).then((results) => {
  console.log(JSON.stringify(results.map((r) => ({
    id: r.id, name: r.name, status: r.status, reason: r.reason || '',
  }))));
}, (err) => {
  console.error(err);
  process.exit(1);
});
