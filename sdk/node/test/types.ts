// Compile-only check of lib/index.d.ts against the documented use (`npm run types`).
import {
  ControlError,
  HarborMockError,
  PLATFORM_PACKAGES,
  binaryPath,
  connectHarborMock,
  startHarborMock,
  type ClockState,
  type FaultRule,
  type HarborMock,
  type JournalEntry,
  type Session,
  type SessionInfo,
} from '../lib/index.js';

export async function example(): Promise<void> {
  const harbor: HarborMock = await startHarborMock({ seed: 7, clock: new Date(), fixtures: { users: [] }, args: ['--log-level', 'warn'] });
  const url: string = harbor.url + harbor.apiUrl + binaryPath() + PLATFORM_PACKAGES['linux x64'];
  const pid: number = (harbor.pid ?? 0) + harbor.startupMs;
  await (await connectHarborMock(harbor.url)).stop();
  await (await connectHarborMock(harbor.url, { controlToken: 's3cret' })).stop();
  await (await startHarborMock({ controlToken: 's3cret' })).stop();
  const clock: ClockState = await harbor.clock.advance('31d');
  await harbor.clock.set({ now: clock.now, frozen: true });
  const rule: FaultRule = await harbor.faults.add({ path: '/api/v2.0/robots', status: 503, times: 1 });
  const id: number = rule.id ?? 0;
  await harbor.faults.remove(id);
  await harbor.faults.clear();
  const entries: JournalEntry[] = await harbor.journal({ method: 'GET', status: 200 });
  const first: JournalEntry | undefined = entries[0];
  const sizes: number = (first?.body_size ?? 0) + (first?.response_size ?? 0) + (first?.body?.length ?? 0);
  const source: 'client' | 'generated' | undefined = first?.request_id_source;
  const cut: boolean = first?.body_truncated ?? false;
  const why: string | undefined = first?.error;
  const live: SessionInfo[] = await harbor.sessions();
  console.log(sizes, source, cut, why, live[0]?.id, live[0]?.last_used, live[0]?.robots);
  const cleared: number = await harbor.clearJournal();
  const session: Session = await harbor.session({ fixtures: 'fixtures.json' });
  const counts = await session.reset();
  const users: number = counts.users + entries.length + cleared + pid + url.length;
  await session.close();
  await harbor.stop();
  try {
    await startHarborMock({ binary: '/nowhere' });
  } catch (e) {
    if (e instanceof HarborMockError) console.log(e.message, users);
    if (e instanceof ControlError) console.log(e.status, e.serverMessage);
  }
  // @ts-expect-error: the clock takes a string or milliseconds
  await harbor.clock.advance(new Date());
}
