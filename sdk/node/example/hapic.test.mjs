// A user's suite: the real client @hapic/harbor against harbor-mock, one server for the file
// and a session per test. scripts/sdk-tests.sh runs it in a fresh npm project that installed
// only the packed tarballs, @hapic/harbor and hapic.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HarborClient } from '@hapic/harbor';
import { startHarborMock } from 'harbor-mock';

const CI_ROBOT = {
  name: 'ci',
  duration: 30,
  level: 'project',
  permissions: [
    {
      kind: 'project',
      namespace: 'library',
      access: [
        { resource: 'repository', action: 'pull' },
        { resource: 'robot', action: 'read' },
      ],
    },
  ],
};

let server;
before(async () => {
  server = await startHarborMock();
});
after(() => server.stop());

async function session(t) {
  const s = await server.session();
  t.after(() => s.close());
  return s;
}

const client = (s, user = 'admin', password = 'Harbor12345') =>
  new HarborClient({ connectionOptions: { host: s.apiUrl, user, password } });

test('a robot expires when the clock moves on', async (t) => {
  const s = await session(t);
  const created = await client(s).robot.create(CI_ROBOT);
  assert.equal(created.name, 'robot$library+ci');
  const asRobot = client(s, created.name, created.secret);
  assert.equal((await asRobot.robot.getOne(created.id)).name, created.name);
  await s.clock.advance('31d');
  await assert.rejects(asRobot.robot.getOne(created.id), (e) => e.status === 401);
  const journal = (await s.journal()).map((e) => [e.method, e.status, e.caller]);
  assert.deepEqual(journal, [
    ['POST', 201, 'admin'],
    ['GET', 200, 'robot$library+ci'],
    ['GET', 401, 'anonymous'],
  ]);
});

test('faults reach the client', async (t) => {
  const s = await session(t);
  await s.faults.add({ method: 'GET', path: '/api/v2.0/robots/*', status: 503, times: 1 });
  const admin = client(s);
  const created = await admin.robot.create(CI_ROBOT);
  await assert.rejects(admin.robot.getOne(created.id), (e) => e.status === 503);
  assert.equal((await admin.robot.getOne(created.id)).id, created.id);
  await s.reset();
  await assert.rejects(admin.robot.getOne(created.id), (e) => e.status === 404);
});

test('sessions do not share robots', async (t) => {
  const s = await session(t);
  const admin = client(s);
  const inLibrary = { query: { q: 'Level=project,ProjectID=1' } };
  assert.deepEqual((await admin.robot.getMany(inLibrary)).data, []);
  await admin.robot.create(CI_ROBOT);
  assert.equal((await admin.robot.getMany(inLibrary)).data.length, 1);
});
