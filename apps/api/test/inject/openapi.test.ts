import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildTestApi, type TestApi } from './build-test-api.js';

type Json = Record<string, unknown>;
interface Operation {
  security?: Array<Record<string, string[]>>;
  responses: Record<string, Json>;
  requestBody?: { content: Record<string, { schema: Json }> };
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

/** Every "$ref" anywhere in a JSON value. */
function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, found);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') found.push(v);
      else refsIn(v, found);
    }
  }
  return found;
}

describe('the OpenAPI document is enough to drive Berth from', () => {
  let t: TestApi;
  let doc: Document;
  const component = (ref: unknown) => {
    const name = String(ref).replace('#/components/schemas/', '');
    const schema = doc.components.schemas[name];
    assert.ok(schema, `component ${name}`);
    return schema;
  };

  before(async () => {
    t = await buildTestApi();
    const res = await t.inject({ method: 'GET', url: '/api/docs/json' });
    assert.equal(res.statusCode, 200);
    doc = res.json<Document>();
  });
  after(() => t.close());

  test('every API route is in it, the console WebSocket included', () => {
    const api = t.routes.filter((r) => r.url.startsWith('/api/v1/') || r.url === '/api/health');
    assert.ok(api.length > 40);
    for (const route of api) {
      const op = doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
      assert.ok(op, `${route.method} ${route.url} is documented`);
    }
    const socket = doc.paths['/api/v1/instances/{id}/console/{kind}']?.get;
    assert.ok(socket, 'the console WebSocket');
    assert.ok(socket.responses['101'], 'documented as an upgrade');
  });

  test('who may call what: public routes need nothing, the rest a login and their permission', () => {
    for (const route of t.routes.filter((r) => r.url.startsWith('/api/v1/'))) {
      const op = doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()] as Operation;
      const name = `${route.method} ${route.url}`;
      if (route.public) {
        assert.deepEqual(op.security, [], `${name} is public`);
        continue;
      }
      assert.ok(op.security && op.security.length > 0, `${name} names its security`);
      assert.ok(op.responses['401'], `${name} documents 401`);
      if ((route.permission && route.permission !== 'self') || MUTATING.has(route.method)) {
        assert.ok(op.responses['403'], `${name} documents 403`);
      }
      if (route.permission && route.permission !== 'self') {
        assert.equal((op as unknown as Json)['x-berth-permission'], route.permission, name);
      }
      if (route.url.includes('/:')) assert.ok(op.responses['404'], `${name} documents 404`);
    }
  });

  test('errors are the shared ErrorBody, and every reference leads to a named schema', () => {
    assert.ok(Object.keys(doc.components.schemas).length > 20);
    const get = doc.paths['/api/v1/instances/{id}']?.get as Operation;
    assert.deepEqual(get.responses['404']?.content, {
      'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } },
    });
    assert.equal(
      get.responses['200']?.content && refsIn(get.responses['200'])[0],
      '#/components/schemas/Instance',
    );
    for (const ref of new Set(refsIn(doc))) component(ref);
  });

  test("a create body's defaulted fields are not required", () => {
    const create = doc.paths['/api/v1/instances']?.post as Operation;
    const body = create.requestBody?.content['application/json']?.schema as { oneOf: Json[] };
    const [ct, vm] = body.oneOf.map((s) => component(s.$ref)) as Array<{ required: string[] }>;
    assert.deepEqual([...(ct?.required ?? [])].sort(), ['kind', 'name', 'template']);
    assert.deepEqual([...(vm?.required ?? [])].sort(), ['kind', 'name']);
  });

  test('an ISO upload is documented as a raw binary body that can be too large', () => {
    const upload = doc.paths['/api/v1/isos/{name}']?.put as Operation;
    assert.deepEqual(upload.requestBody?.content, {
      'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
    });
    for (const status of ['400', '413', '507']) assert.ok(upload.responses[status], status);
  });

  test('a task route says what ?sync=true answers when the task fails', () => {
    const start = doc.paths['/api/v1/instances/{id}/actions/{action}']?.post as Operation;
    assert.match(String(start.responses['507']?.description), /TaskFailed/);
    assert.ok(refsIn(start.responses['507']).includes('#/components/schemas/TaskFailed'));
  });
});
