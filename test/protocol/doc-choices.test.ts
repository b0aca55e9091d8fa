// eptLens/maps, eptLens/chooseMap and eptLens/pairMtrr over stdio, as the client uses them: the
// choice changes what eptLens/planChanged pushes, a pairing re-plans the open document (views
// refreshed), both are kept across close and reopen, and bad parameters get InvalidParams.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MapListResult, PairMtrrResult, SummaryResult } from '../../src/protocol/requests';
import { fixture } from '../support/fixtures';
import { type Client, startServer } from './lsp';

const BOOTS = 'file:///test/three-boots.dmesg';
const IOMEM = 'file:///test/desktop-i7-2600.iomem';
const threeBoots = [fixture('thinkpad-x240.dmesg'), fixture('surface-pro-7.dmesg'), fixture('thinkpad-x240.dmesg')].join('\n');

describe('Choose Memory Map and Use MTRRs from File, over stdio', () => {
  let c: Client;
  const pushed = new Map<string, SummaryResult | null>();
  const waiters: { uri: string; accept: (s: SummaryResult | null) => boolean; resolve: (s: SummaryResult | null) => void }[] = [];
  /** The next eptLens/planChanged for `uri` that `accept`s (or the last one, if it already does). */
  const planChanged = (uri: string, accept: (s: SummaryResult | null) => boolean, ms = 10_000): Promise<SummaryResult | null> => {
    if (pushed.has(uri) && accept(pushed.get(uri)!)) return Promise.resolve(pushed.get(uri)!);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no matching planChanged for ${uri}; last: ${JSON.stringify(pushed.get(uri))}`)), ms);
      waiters.push({ uri, accept, resolve: (s) => { clearTimeout(t); resolve(s); } });
    });
  };

  before(async () => {
    c = await startServer();
    c.conn.onNotification('eptLens/planChanged', (p: { uri: string; summary: SummaryResult | null }) => {
      pushed.set(p.uri, p.summary);
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i].uri === p.uri && waiters[i].accept(p.summary)) {
          waiters[i].resolve(p.summary);
          waiters.splice(i, 1);
        }
      }
    });
    c.open(BOOTS, threeBoots);
    c.open(IOMEM, fixture('desktop-i7-2600.iomem'));
  });
  after(async () => {
    await c.close();
  });

  test('eptLens/maps lists the three boots; eptLens/chooseMap changes the pushed summary and the export', async () => {
    const list = await c.request<MapListResult>('eptLens/maps', { uri: BOOTS });
    assert.equal(list.maps.length, 3);
    assert.equal(list.current, 2);
    assert.match(list.maps[1].boot!.text, /^Linux version /);
    const first = await planChanged(BOOTS, (s) => s?.map === 2);
    assert.equal(first!.chosen, undefined);
    const s = await c.request<SummaryResult>('eptLens/chooseMap', { uri: BOOTS, map: 0 });
    assert.equal(s.map, 0);
    assert.equal(s.firstLine, list.maps[0].firstLine);
    assert.equal((await planChanged(BOOTS, (x) => x?.map === 0))!.chosen, true);
    assert.equal((await c.request<MapListResult>('eptLens/maps', { uri: BOOTS })).chosen, 0);
    const json = await c.request<{ text: string }>('eptLens/export', { uri: BOOTS, format: 'json', line: list.maps[2].firstLine });
    const of0 = await c.request<{ text: string }>('eptLens/export', { uri: BOOTS, format: 'json', map: 0 });
    assert.equal(json.text, of0.text);
    await c.request('eptLens/chooseMap', { uri: BOOTS, map: null });
    assert.equal((await planChanged(BOOTS, (x) => x?.map === 2 && !x.chosen))!.map, 2);
  });

  test('bad parameters: InvalidParams; a map out of range is refused', async () => {
    const code = (p: Promise<unknown>) => p.then(() => 0, (e: { code?: number; message?: string }) => e.code ?? -1);
    assert.equal(await code(c.request('eptLens/chooseMap', { uri: BOOTS })), -32602);
    assert.equal(await code(c.request('eptLens/chooseMap', { uri: BOOTS, map: -1 })), -32602);
    assert.equal(await code(c.request('eptLens/pairMtrr', { uri: IOMEM, text: 42 })), -32602);
    assert.equal(await code(c.request('eptLens/maps', {})), -32602);
    await assert.rejects(c.request('eptLens/chooseMap', { uri: BOOTS, map: 3 }), /no map 3 in this document \(it has 3\)/);
    await assert.rejects(c.request('eptLens/pairMtrr', { uri: IOMEM, name: 'x.txt', text: 'nothing here' }), /x\.txt: no MTRRs found/);
  });

  test('eptLens/pairMtrr: the iomem document is planned with the file; views refresh; kept across close and reopen; unpaired again', async () => {
    const before = await planChanged(IOMEM, (s) => !!s);
    assert.match(before!.tooltip, /no MTRRs found/);
    const refreshes = c.refreshes.inlayHint;
    const r = await c.request<PairMtrrResult>('eptLens/pairMtrr', { uri: IOMEM, name: 'desktop-i7-2600.mtrr', text: fixture('desktop-i7-2600.mtrr') });
    assert.equal(r.paired, true);
    assert.match(r.dump!, /\/proc\/mtrr/);
    assert.ok(r.problems.some((p) => p.startsWith('desktop-i7-2600.mtrr:')), r.problems.join('\n'));
    const paired = await planChanged(IOMEM, (s) => !!s && /desktop-i7-2600\.mtrr, paired with this log/.test(s.tooltip));
    assert.ok(paired);
    assert.ok(c.refreshes.inlayHint > refreshes, 'no inlay hint refresh after pairing');
    // Closed and reopened: still paired (the client re-sends it too, which changes nothing).
    await c.conn.sendNotification('textDocument/didClose', { textDocument: { uri: IOMEM } });
    pushed.delete(IOMEM);
    c.open(IOMEM, fixture('desktop-i7-2600.iomem'));
    assert.ok(await planChanged(IOMEM, (s) => !!s && /paired with this log/.test(s.tooltip)));
    const again = await c.request<PairMtrrResult>('eptLens/pairMtrr', { uri: IOMEM, name: 'desktop-i7-2600.mtrr', text: fixture('desktop-i7-2600.mtrr') });
    assert.equal(again.paired, true);
    const off = await c.request<PairMtrrResult>('eptLens/pairMtrr', { uri: IOMEM });
    assert.equal(off.paired, false);
    assert.ok(await planChanged(IOMEM, (s) => !!s && /no MTRRs found/.test(s.tooltip)));
  });
});
