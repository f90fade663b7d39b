import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from './config.js';

const base = { BERTH_DATA_DIR: '/nonexistent/berth', BERTH_LOCAL_AGENT_TOKEN: 't' };

test('defaults fill what is unset; empty values count as unset', () => {
  const c = loadConfig({ ...base, BERTH_API_PORT: '', BERTH_SECURE_COOKIES: '', BERTH_HTTP: '1' });
  assert.equal(c.port, 8080);
  assert.equal(c.sessionHours, 12);
  assert.equal(c.secureCookies, false);
  assert.equal(c.databaseUrl, 'file:/nonexistent/berth/berth.db');
  assert.deepEqual(c.localAgent, { url: 'http://127.0.0.1:8091', token: 't' });
  assert.deepEqual(c.listen, ['0.0.0.0']);
});

test("HTTPS by default with a certificate of its own, the operator's, or HTTP when asked", () => {
  const made = loadConfig(base);
  assert.deepEqual(made.tls, { selfSigned: true });
  assert.equal(made.secureCookies, true, 'cookies are Secure over HTTPS');
  assert.deepEqual(
    loadConfig({ ...base, BERTH_TLS_CERT: '/etc/berth/c.pem', BERTH_TLS_KEY: '/etc/berth/k.pem' })
      .tls,
    { certFile: '/etc/berth/c.pem', keyFile: '/etc/berth/k.pem' },
  );
  const plain = loadConfig({ ...base, BERTH_HTTP: '1' });
  assert.equal(plain.tls, null);
  assert.equal(plain.secureCookies, false);
  assert.equal(
    loadConfig({ ...base, BERTH_HTTP: '1', BERTH_SECURE_COOKIES: '1' }).secureCookies,
    true,
  );
  assert.throws(() => loadConfig({ ...base, BERTH_TLS_CERT: '/c.pem' }), /BERTH_TLS_CERT/);
  assert.throws(
    () =>
      loadConfig({ ...base, BERTH_HTTP: '1', BERTH_TLS_CERT: '/c.pem', BERTH_TLS_KEY: '/k.pem' }),
    /BERTH_HTTP/,
  );
  assert.throws(() => loadConfig({ ...base, BERTH_HTTP: 'yes' }), /BERTH_HTTP/);
});

test('listen addresses: a list of IP addresses, each once', () => {
  assert.deepEqual(
    loadConfig({ ...base, BERTH_API_LISTEN: '127.0.0.1,::1,192.168.1.5,127.0.0.1' }).listen,
    ['127.0.0.1', '::1', '192.168.1.5'],
  );
  for (const bad of ['localhost', '127.0.0.1,', '10.0.0.1 ,10.0.0.2', '010.0.0.1'])
    assert.throws(() => loadConfig({ ...base, BERTH_API_LISTEN: bad }), /BERTH_API_LISTEN/, bad);
});

test('values are read and typed', () => {
  const c = loadConfig({
    ...base,
    BERTH_API_PORT: '9000',
    BERTH_SESSION_HOURS: '2',
    BERTH_SECURE_COOKIES: '1',
    BERTH_HTTP: '1',
    BERTH_ALLOWED_ORIGINS: 'https://a.example,https://b.example',
  });
  assert.equal(c.port, 9000);
  assert.equal(c.sessionHours, 2);
  assert.equal(c.secureCookies, true);
  assert.deepEqual(c.allowedOrigins, ['https://a.example', 'https://b.example']);
});

test('a bad value stops the start and names every variable at fault', () => {
  assert.throws(
    () =>
      loadConfig({
        ...base,
        BERTH_API_PORT: 'eighty',
        BERTH_SESSION_HOURS: '0',
        BERTH_SECURE_COOKIES: 'yes',
        BERTH_LOCAL_AGENT_URL: 'not a url',
      }),
    (err: Error) =>
      [
        'BERTH_API_PORT',
        'BERTH_SESSION_HOURS',
        'BERTH_SECURE_COOKIES',
        'BERTH_LOCAL_AGENT_URL',
      ].every((name) => err.message.includes(name)),
  );
});

test('login throttling limits have defaults and can be set, within bounds', () => {
  assert.deepEqual(loadConfig(base).loginLimits, {
    accountFailures: 5,
    addressFailures: 20,
    firstDelaySeconds: 5,
    maxDelaySeconds: 900,
    forgetMinutes: 60,
  });
  const c = loadConfig({
    ...base,
    BERTH_LOGIN_ACCOUNT_FAILURES: '3',
    BERTH_LOGIN_ADDRESS_FAILURES: '50',
    BERTH_LOGIN_FIRST_DELAY_SECONDS: '2',
    BERTH_LOGIN_MAX_DELAY_SECONDS: '60',
    BERTH_LOGIN_FORGET_MINUTES: '10',
  });
  assert.deepEqual(c.loginLimits, {
    accountFailures: 3,
    addressFailures: 50,
    firstDelaySeconds: 2,
    maxDelaySeconds: 60,
    forgetMinutes: 10,
  });
  assert.throws(
    () =>
      loadConfig({ ...base, BERTH_LOGIN_ACCOUNT_FAILURES: '0', BERTH_LOGIN_FORGET_MINUTES: 'x' }),
    (err: Error) =>
      err.message.includes('BERTH_LOGIN_ACCOUNT_FAILURES') &&
      err.message.includes('BERTH_LOGIN_FORGET_MINUTES'),
  );
});
