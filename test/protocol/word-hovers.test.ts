// Hovers the real editor asks for on words, not numbers, anywhere in the word: a KVM exit reason
// (number, name, why the guest exited, the qualification decoded), and a /proc/iomem sub-resource
// ("Kernel code") inside its System RAM parent. The real-editor suite checks the same on screen.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Hover, HoverRequest, MarkupContent } from 'vscode-languageserver-protocol';
import { fixture } from '../support/fixtures';
import { Client, startServer } from './lsp';

const hoverText = (h: Hover | null): string => (h ? (h.contents as MarkupContent).value : '');

describe('word hovers over stdio', () => {
  let c: Client;
  before(async () => {
    c = await startServer();
  });
  after(async () => {
    await c.close();
  });
  /** Hovers `word` (at `off` characters into it) on the line containing `needle`. */
  const hoverAt = async (uri: string, text: string, needle: string, word: string, off: number) => {
    const lines = text.split('\n');
    const l = lines.findIndex((x) => x.includes(needle));
    assert.ok(l >= 0, needle);
    const ch = lines[l].indexOf(needle) + needle.indexOf(word) + off;
    return { line: l, h: await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: l, character: ch } }) };
  };

  test('a KVM exit reason, at its start, middle and end: number, name, why, the qualification', async () => {
    const uri = 'file:///test/kvm-words.log';
    const text = fixture('kvm-trace.report');
    c.open(uri, text);
    for (const off of [0, 6, 12]) {
      const { line, h } = await hoverAt(uri, text, 'reason EPT_VIOLATION', 'EPT_VIOLATION', off);
      const md = hoverText(h);
      assert.match(md, /^### Exit reason EPT_VIOLATION \(48\)/);
      assert.match(md, /\*\*Why the guest exited\*\*: the access is not allowed by the EPT entries/);
      assert.match(md, /read · not present/);
      assert.equal(h?.range?.start.line, line);
    }
    const { h } = await hoverAt(uri, text, 'reason HLT', 'HLT', 1);
    assert.match(hoverText(h), /^### Exit reason HLT \(12\)/);
    assert.match(hoverText(h), /no exit qualification/);
  });

  test('/proc/iomem "Kernel code": part of the RAM range, not "Not RAM"', async () => {
    const uri = 'file:///test/desktop-words.iomem';
    const text = fixture('desktop-i7-2600.iomem');
    c.open(uri, text);
    for (const off of [0, 3, 8]) {
      const md = hoverText((await hoverAt(uri, text, '01000000-0173a484 : Kernel code', 'Kernel', off)).h);
      assert.match(md, /^#### Kernel code range `0x1000000–0x173a485`/);
      assert.match(md, /Part of the RAM range `0x100000–0xcf1fa000`/);
      assert.doesNotMatch(md, /Not RAM/);
    }
  });
});
