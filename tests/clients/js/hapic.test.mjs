// @hapic/harbor 2.5.6 (with hapic 2.8.2), Harbor's JavaScript client, against harbor-mock: the
// release binary ($HARBOR_MOCK_BIN) started through the SDK helper sdk/node, one server for the
// file and a session per test, so each test reads a journal of its own requests.
// What the client sends and relies on: ../shared/harbor-clients.md §5; docs/clients.md says how
// the mock meets it and which test pins it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HarborClient, buildQueryString } from '@hapic/harbor';
import { startHarborMock } from '../../../sdk/node/lib/index.js';

// Frozen, with milliseconds: creation times and expiries are then exact.
const CLOCK = '2026-01-01T00:00:00.123Z';
const CLOCK_S = Math.floor(Date.parse(CLOCK) / 1000);
const DAY_S = 86_400;

const projectRobot = (name) => ({
  name,
  duration: 30,
  level: 'project',
  description: 'pushes images',
  permissions: [
    {
      kind: 'project',
      namespace: 'library',
      access: [
        { resource: 'repository', action: 'pull' },
        { resource: 'repository', action: 'push' },
        { resource: 'robot', action: 'read' },
      ],
    },
  ],
});

let server;
before(async () => {
  server = await startHarborMock({ seed: 7, clock: CLOCK });
});
after(() => server.stop());

async function session(t) {
  const s = await server.session();
  t.after(() => s.close());
  return s;
}

/** A client as its README builds one: the API base URL and basic-auth credentials. */
const client = (s, user = 'admin', password = 'Harbor12345') =>
  new HarborClient({ connectionOptions: { host: s.apiUrl, user, password } });

/** The session's journal as "METHOD PATH?QUERY STATUS CALLER" lines. */
async function calls(s, filter) {
  return (await s.journal(filter)).map(
    (e) => `${e.method} ${e.path}${e.query ? `?${e.query}` : ''} ${e.status} ${e.caller}`,
  );
}

/** Asserts a hapic ClientError with this status and Harbor's error code and message. */
async function rejectsWith(promise, status, code, message) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.name, 'ClientError');
    assert.equal(e.status, status);
    assert.deepEqual(e.response.data, { errors: [{ code, message }] });
    return true;
  });
}

test('a project robot from creation to deletion, and its login with the secret', async (t) => {
  const s = await session(t);
  const admin = client(s);

  // create: the POST answer merged over what was sent.
  const created = await admin.robot.create(projectRobot('ci'));
  assert.equal(created.id, 1);
  assert.equal(created.name, 'robot$library+ci');
  assert.equal(created.secret.length, 32);
  assert.equal(created.creation_time, CLOCK);
  assert.equal(created.expires_at, CLOCK_S + 30 * DAY_S);

  // getOne: Harbor's Robot, without the secret.
  const robot = await admin.robot.getOne(created.id);
  assert.equal(robot.level, 'project');
  assert.equal(robot.duration, 30);
  assert.equal(robot.editable, true);
  assert.equal(robot.description, 'pushes images');
  assert.equal(robot.secret, undefined);
  assert.deepEqual(robot.permissions[0].access.map((a) => `${a.resource}:${a.action}`), [
    'repository:pull',
    'repository:push',
    'robot:read',
  ]);

  // getMany with q as a string, as the library's users list a project's robots.
  const listed = await admin.robot.getMany({ query: { q: 'Level=project,ProjectID=1', page: 1, page_size: 10 } });
  assert.deepEqual(listed.data.map((r) => r.name), ['robot$library+ci']);
  assert.deepEqual(listed.meta, { total: 1 });

  // The robot logs in with its secret: it reads itself and its project.
  const asRobot = client(s, created.name, created.secret);
  assert.equal((await asRobot.robot.getOne(created.id)).name, created.name);
  assert.equal((await asRobot.project.getOne('library')).project_id, 1);

  // update: the whole fetched object sent back (the library fills in what is missing).
  await admin.robot.update(created.id, { ...robot, description: 'pushes and pulls', disable: true });
  const updated = await admin.robot.getOne(created.id);
  assert.equal(updated.description, 'pushes and pulls');
  assert.equal(updated.disable, true);
  assert.equal(updated.duration, 30);
  assert.equal(updated.expires_at, created.expires_at);
  // A disabled robot no longer logs in: its credentials are nobody's.
  await rejectsWith(asRobot.robot.getOne(created.id), 401, 'UNAUTHORIZED', 'unauthorized');
  await admin.robot.update(created.id, { ...updated, disable: false });

  // updateSecret without a secret: Harbor generates one and answers it.
  const generated = await admin.robot.updateSecret(created.id);
  assert.equal(generated.secret.length, 32);
  assert.notEqual(generated.secret, created.secret);
  await rejectsWith(asRobot.robot.getOne(created.id), 401, 'UNAUTHORIZED', 'unauthorized');
  assert.equal((await client(s, created.name, generated.secret).robot.getOne(created.id)).id, created.id);

  // updateSecret with a secret: Harbor answers {}, the library hands the given secret back.
  const provided = await admin.robot.updateSecret(created.id, 'My-Own-Secret-1');
  assert.deepEqual(provided, { secret: 'My-Own-Secret-1' });
  const withOwnSecret = client(s, created.name, 'My-Own-Secret-1');
  assert.equal((await withOwnSecret.robot.getOne(created.id)).id, created.id);

  // delete: 200 with an empty body; then the id is gone and the secret dead.
  await admin.robot.delete(created.id);
  await rejectsWith(admin.robot.getOne(created.id), 404, 'NOT_FOUND', 'robot 1 not found');
  await rejectsWith(withOwnSecret.robot.getOne(created.id), 401, 'UNAUTHORIZED', 'unauthorized');

  assert.deepEqual(await calls(s, { path: '/api/v2.0/robots*' }), [
    'POST /api/v2.0/robots 201 admin',
    'GET /api/v2.0/robots/1 200 admin',
    'GET /api/v2.0/robots?q=Level%3Dproject%2CProjectID%3D1&page=1&page_size=10 200 admin',
    'GET /api/v2.0/robots/1 200 robot$library+ci',
    'PUT /api/v2.0/robots/1 200 admin',
    'GET /api/v2.0/robots/1 200 admin',
    'GET /api/v2.0/robots/1 401 anonymous',
    'PUT /api/v2.0/robots/1 200 admin',
    'PATCH /api/v2.0/robots/1 200 admin',
    'GET /api/v2.0/robots/1 401 anonymous',
    'GET /api/v2.0/robots/1 200 robot$library+ci',
    'PATCH /api/v2.0/robots/1 200 admin',
    'GET /api/v2.0/robots/1 200 robot$library+ci',
    'DELETE /api/v2.0/robots/1 200 admin',
    'GET /api/v2.0/robots/1 404 admin',
    'GET /api/v2.0/robots/1 401 anonymous',
  ]);
});

test('the defaults the library fills in: a system robot that never expires', async (t) => {
  const s = await session(t);
  const admin = client(s);
  // No level, duration or description: extendPayload sends level "system", duration -1.
  const created = await admin.robot.create({
    name: 'ops',
    permissions: [{ kind: 'system', namespace: '/', access: [{ resource: 'project', action: 'list' }] }],
  });
  assert.equal(created.name, 'robot$ops');
  assert.equal(created.expires_at, -1);
  const robot = await admin.robot.getOne(created.id);
  assert.equal(robot.level, 'system');
  assert.equal(robot.duration, -1);
  assert.equal(robot.description, undefined); // Harbor leaves an empty description out
  // Without q only system robots are listed.
  const listed = await admin.robot.getMany({ query: {} });
  assert.deepEqual(listed.data.map((r) => r.name), ['robot$ops']);
  assert.equal(listed.meta.total, 1);
});

test('an update that leaves fields out resets them to the library defaults', async (t) => {
  const s = await session(t);
  const admin = client(s);
  const created = await admin.robot.create(projectRobot('ci'));
  const robot = await admin.robot.getOne(created.id);
  // Only name, level and permissions: extendPayload adds duration -1 and description '',
  // and Harbor's PUT replaces every mutable field with what it is sent.
  await admin.robot.update(created.id, { name: robot.name, level: robot.level, permissions: robot.permissions });
  const updated = await admin.robot.getOne(created.id);
  assert.equal(updated.duration, -1);
  assert.equal(updated.expires_at, -1);
  assert.equal(updated.description, undefined);
});

test('q as an object is encoded once more than Harbor decodes', async (t) => {
  const s = await session(t);
  const admin = client(s);
  await admin.robot.create(projectRobot('ci'));
  await admin.robot.create(projectRobot('cd'));

  // The string form, as Harbor documents q: a project's robots, filtered by stored name
  // (whose "+" Harbor's second unescape would turn into a space unless sent as %2B).
  const asString = await admin.robot.getMany({ query: { q: 'Level=project,ProjectID=1,name=library%2Bci' } });
  assert.deepEqual(asString.data.map((r) => r.name), ['robot$library+ci']);

  // The object form: each value goes through encodeURIComponent, then two URLSearchParams,
  // and the pairs are joined with "&" where Harbor's q separates with ",".
  assert.equal(buildQueryString({ q: { name: 'library+ci' } }), '?q=name%3Dlibrary%25252Bci');
  assert.equal(buildQueryString({ q: { Level: 'project', ProjectID: 1 } }), '?q=Level%3Dproject%26ProjectID%3D1');
  // One key whose value needs no escaping survives the extra round...
  await admin.robot.create({
    name: 'ops',
    permissions: [{ kind: 'system', namespace: '/', access: [{ resource: 'project', action: 'list' }] }],
  });
  const single = await admin.robot.getMany({ query: { q: { name: 'ops' } } });
  assert.deepEqual(single.data.map((r) => r.name), ['robot$ops']);
  // ...a value with a "+" arrives still escaped and matches nothing...
  const escaped = await admin.robot.getMany({
    query: { q: { name: 'library+ci' } },
  });
  assert.deepEqual(escaped.data, []);
  assert.equal(escaped.meta.total, 0);
  // ...and two keys make one clause whose Level value is "project&ProjectID=1".
  await rejectsWith(
    admin.robot.getMany({ query: { q: { Level: 'project', ProjectID: 1 } } }),
    400,
    'BAD_REQUEST',
    'bad request error level input',
  );
  assert.deepEqual(await calls(s, { method: 'GET' }), [
    'GET /api/v2.0/robots?q=Level%3Dproject%2CProjectID%3D1%2Cname%3Dlibrary%252Bci 200 admin',
    'GET /api/v2.0/robots?q=name%3Dops 200 admin',
    'GET /api/v2.0/robots?q=name%3Dlibrary%25252Bci 200 admin',
    'GET /api/v2.0/robots?q=Level%3Dproject%26ProjectID%3D1 400 admin',
  ]);
});

test('errors arrive as ClientError with Harbor envelope', async (t) => {
  const s = await session(t);
  const admin = client(s);
  await rejectsWith(
    admin.robot.create({ ...projectRobot('Not Valid') }),
    400,
    'BAD_REQUEST',
    'robot name is not in lower case or contains illegal characters',
  );
  await rejectsWith(client(s, 'admin', 'wrong').robot.getMany({ query: {} }), 401, 'UNAUTHORIZED', 'unauthorized');
  await rejectsWith(client(s, 'bob', 'Bob12345').robot.create(projectRobot('ci')), 403, 'FORBIDDEN', 'forbidden');
  await rejectsWith(client(s, 'bob', 'Bob12345').robot.getMany({ query: {} }), 403, 'FORBIDDEN', 'bob');
  await rejectsWith(admin.robot.getOne(999), 404, 'NOT_FOUND', 'robot 999 not found');
  await admin.robot.create(projectRobot('ci'));
  await rejectsWith(
    admin.robot.create(projectRobot('ci')),
    409,
    'CONFLICT',
    'robot account 1:library+ci already exists',
  );
  await rejectsWith(
    admin.robot.updateSecret(1, 'weak'),
    400,
    'BAD_REQUEST',
    'the secret must be 8-128, inclusively, characters long with at least 1 uppercase letter, 1 lowercase letter and 1 number',
  );
});

test('project lookups, then the project robots by id', async (t) => {
  const s = await session(t);
  const admin = client(s);
  const { id } = await admin.project.create({ project_name: 'team', metadata: { public: 'false' } });
  assert.equal(id, 2); // read from Location
  const teamRobot = { ...projectRobot('ci'), permissions: [{ ...projectRobot('ci').permissions[0], namespace: 'team' }] };
  await admin.robot.create(teamRobot);

  // By name and by id.
  const byName = await admin.project.getOne('team', true);
  assert.equal(byName.project_id, 2);
  assert.equal(byName.owner_name, 'admin');
  assert.equal(byName.metadata.public, 'false');
  assert.equal((await admin.project.getOne(2)).name, 'team');

  // A page of the project list, with its total.
  const page = await admin.project.getMany({ query: { name: 'tea', page: 1, page_size: 10 } });
  assert.deepEqual(page.data.map((p) => p.name), ['team']);
  assert.deepEqual(page.meta, { total: 1 });
  const all = await admin.project.getAll();
  assert.deepEqual(all.data.map((p) => p.name).sort(), ['library', 'team']);

  // search: the projects whose name holds the word, as the caller may see them.
  const found = await admin.search('tea');
  assert.deepEqual(found.project.map((p) => [p.name, p.project_id]), [['team', 2]]);
  assert.deepEqual(found.repository, []);

  // The id found, the project's robots.
  const robots = await admin.robot.getMany({ query: { q: `Level=project,ProjectID=${found.project[0].project_id}` } });
  assert.deepEqual(robots.data.map((r) => r.name), ['robot$team+ci']);

  // carol sees neither the private project nor its robots.
  const carol = client(s, 'carol', 'Carol12345');
  assert.deepEqual((await carol.search('tea')).project, []);
  await rejectsWith(carol.project.getOne('team', true), 403, 'FORBIDDEN', 'forbidden');
  await rejectsWith(carol.robot.getMany({ query: { q: 'Level=project,ProjectID=2' } }), 403, 'FORBIDDEN', 'forbidden');
});

test('getOne(name, true) sends no X-Is-Resource-Name: a numeric name is read as an id', async (t) => {
  const s = await session(t);
  const admin = client(s);
  await admin.project.create({ project_name: '2024', metadata: { public: 'true' } });
  // hapic's get(url, config) takes the headers object as request options, so the header is
  // never sent and Harbor reads "2024" as project id 2024.
  await rejectsWith(admin.project.getOne('2024', true), 404, 'NOT_FOUND', 'project 2024 not found');
  const journal = await s.journal({ method: 'GET', path: '/api/v2.0/projects/*' });
  assert.equal(journal.length, 1);
  assert.equal(journal[0].headers['x-is-resource-name'], undefined);
  // The same name with the header, as Harbor's other clients send it.
  const res = await fetch(`${s.apiUrl}/projects/2024`, {
    headers: { authorization: `Basic ${btoa('admin:Harbor12345')}`, 'x-is-resource-name': 'true' },
  });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).name, '2024');
});
