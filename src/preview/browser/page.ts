import type { Action, Card, HookName } from '../../protocol/types.js';
import type { PreviewPatient } from '../preview-types.js';
import { renderMarkdown } from './markdown.js';

/**
 * The preview page's script, bundled by esbuild (src/preview/client-bundle.ts). It loads the demo patients from
 * /preview/patients, calls the real hook endpoint with the patient's full prefetch, and renders the cards the way an
 * EHR would. Every value from the server is put in the DOM with textContent or through renderMarkdown, never as
 * HTML. The server's answers are read defensively: the page shows what came, even a malformed card.
 */

const patientsById = new Map<string, PreviewPatient>();

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as T;
}

function make<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string | null,
  text?: unknown,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function setStatus(text: string, isError: boolean): void {
  const status = byId('status');
  status.textContent = text;
  status.className = isError ? 'status error' : 'status';
}

/** crypto.randomUUID exists only in secure contexts; the page may be opened over plain http on a LAN address. */
function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => (x + 0x100).toString(16).slice(1)).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const query = () => new URLSearchParams(window.location.search);

function fillPatients(patients: PreviewPatient[]): void {
  const select = byId<HTMLSelectElement>('patient');
  for (const p of patients) {
    const option = make('option', null, `${p.name} (${p.id})`);
    option.value = p.id;
    select.appendChild(option);
  }
  const wanted = query().get('patient');
  if (wanted && patientsById.has(wanted)) select.value = wanted;
}

function fillHooks(patient: PreviewPatient): void {
  const select = byId<HTMLSelectElement>('hook');
  const previous = select.value || query().get('hook');
  select.textContent = '';
  for (const hook of Object.keys(patient.requests)) {
    const option = make('option', null, hook);
    option.value = hook;
    select.appendChild(option);
  }
  if (previous && previous in patient.requests) select.value = previous;
}

function showPatient(patient: PreviewPatient): void {
  byId('story').textContent = patient.story;
  byId('intended').textContent =
    patient.expected.length === 0
      ? 'Intended: no card.'
      : `Intended: ${patient.expected.map((e) => `${e.cardId} (${e.indicator}) on ${e.hook}`).join('; ')}`;
  const body = byId<HTMLTableElement>('chart').tBodies[0]!;
  body.textContent = '';
  for (const line of patient.chart) {
    const row = make('tr');
    row.appendChild(make('td', null, line.date ?? ''));
    const record = make('td');
    record.appendChild(make('strong', null, line.resourceType));
    record.appendChild(document.createTextNode(` ${line.text}`));
    row.appendChild(record);
    row.appendChild(make('td', null, line.status ?? ''));
    body.appendChild(row);
  }
  byId('draft').hidden = !patient.draftOrder;
  byId('draft-text').textContent = patient.draftOrder
    ? `${patient.draftOrder.resourceType}: ${patient.draftOrder.text}`
    : '';
}

function describeAction(action: Action): string {
  const head =
    action.type +
    (action.resource ? ` ${action.resource.resourceType}` : '') +
    (action.resourceId ? ` ${String(action.resourceId)}` : '') +
    (action.description ? `: ${action.description}` : '');
  return action.resource ? `${head}\n${JSON.stringify(action.resource, null, 2)}` : head;
}

/** An http(s) URL, or null for anything else (a SMART or javascript: link is never made clickable). */
function webUrl(href: string | undefined): URL | null {
  if (!href) return null;
  try {
    const url = new URL(href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

function externalLink(label: string, url: URL): HTMLAnchorElement {
  const a = make('a', null, label);
  a.href = url.href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  return a;
}

function renderSuggestions(card: Card, article: HTMLElement): void {
  if (!card.suggestions || card.suggestions.length === 0) return;
  const box = make('div', 'suggestions');
  const output = make('pre', 'suggestion-resource');
  output.hidden = true;
  for (const suggestion of card.suggestions) {
    const button = make('button', suggestion.isRecommended ? 'recommended' : null, suggestion.label);
    button.type = 'button';
    button.addEventListener('click', () => {
      const actions = suggestion.actions ?? [];
      output.textContent =
        actions.length === 0 ? 'This suggestion has no actions.' : actions.map(describeAction).join('\n\n');
      output.hidden = false;
      output.setAttribute('data-suggestion', suggestion.label);
    });
    box.appendChild(button);
  }
  box.appendChild(output);
  article.appendChild(box);
}

function renderLinks(card: Card, article: HTMLElement): void {
  if (!card.links || card.links.length === 0) return;
  const box = make('div', 'links');
  for (const link of card.links) {
    const url = webUrl(link.url);
    if (link.type === 'smart' || !url) {
      box.appendChild(make('span', 'smart', `${link.label} (SMART app: launched by the EHR)`));
    } else {
      box.appendChild(externalLink(link.label, url));
    }
  }
  article.appendChild(box);
}

function renderDismiss(card: Card, article: HTMLElement): void {
  if (!card.uuid) return;
  const box = make('div', 'dismiss');
  if (card.overrideReasons && card.overrideReasons.length > 0) {
    const select = make('select', 'override');
    select.setAttribute('aria-label', 'Override reason');
    select.appendChild(make('option', null, 'Override reason…'));
    for (const reason of card.overrideReasons) {
      const option = make('option', null, reason.display ?? reason.code);
      option.value = reason.code;
      select.appendChild(option);
    }
    box.appendChild(select);
  }
  const dismiss = make('button', null, 'Dismiss');
  dismiss.type = 'button';
  dismiss.addEventListener('click', () => article.remove());
  box.appendChild(dismiss);
  article.appendChild(box);
}

const INDICATOR_ORDER: Record<string, number> = { critical: 0, warning: 1, info: 2 };

function renderCard(card: Card): HTMLElement {
  const indicator = card.indicator in INDICATOR_ORDER ? card.indicator : 'info';
  const article = make('article', `card card-${indicator}`);
  article.setAttribute('data-indicator', indicator);
  const topic = card.source?.topic?.code ?? '';
  if (topic) article.setAttribute('data-topic', topic);
  const head = make('div', 'card-head');
  head.appendChild(make('span', 'badge', indicator));
  head.appendChild(make('h3', 'summary', card.summary));
  article.appendChild(head);
  const source = make('p', 'source');
  const label = card.source?.label ?? '';
  const sourceUrl = webUrl(card.source?.url);
  if (sourceUrl) {
    source.appendChild(document.createTextNode('Source: '));
    source.appendChild(externalLink(label, sourceUrl));
  } else {
    source.textContent = `Source: ${label}`;
  }
  if (topic) {
    source.appendChild(document.createTextNode(' · '));
    source.appendChild(make('span', 'topic', topic));
  }
  article.appendChild(source);
  if (card.detail) {
    const detail = make('div', 'detail');
    detail.appendChild(renderMarkdown(card.detail));
    article.appendChild(detail);
  }
  renderLinks(card, article);
  renderSuggestions(card, article);
  renderDismiss(card, article);
  return article;
}

async function callService(
  serviceId: string,
  body: unknown,
): Promise<{ status: number; json: { cards?: Card[]; message?: string } }> {
  const response = await fetch(`/cds-services/${encodeURIComponent(serviceId)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as { cards?: Card[]; message?: string } };
}

async function run(): Promise<void> {
  const patient = patientsById.get(byId<HTMLSelectElement>('patient').value);
  const hook = byId<HTMLSelectElement>('hook').value as HookName;
  const call = patient?.requests[hook];
  if (!patient || !call) return;
  const body = { ...structuredClone(call.body), hookInstance: uuid() };
  const cards = byId('cards');
  cards.textContent = '';
  cards.setAttribute('aria-busy', 'true');
  setStatus(`Calling ${call.serviceId}…`, false);
  const started = performance.now();
  try {
    const result = await callService(call.serviceId, body);
    const ms = Math.round(performance.now() - started);
    byId('exchange').textContent =
      `POST /cds-services/${call.serviceId}\n${JSON.stringify(body, null, 2)}` +
      `\n\nHTTP ${result.status}\n${JSON.stringify(result.json, null, 2)}`;
    if (result.status !== 200) {
      setStatus(`The service answered HTTP ${result.status}: ${result.json?.message ?? ''}`, true);
      return;
    }
    const list = (result.json.cards ?? [])
      .slice()
      .sort((a, b) => (INDICATOR_ORDER[a.indicator] ?? 0) - (INDICATOR_ORDER[b.indicator] ?? 0));
    if (list.length === 0) cards.appendChild(make('p', 'empty', 'No cards.'));
    for (const card of list) cards.appendChild(renderCard(card));
    const count = `${list.length} ${list.length === 1 ? 'card' : 'cards'}`;
    setStatus(`${count} from ${call.serviceId} (${hook}) in ${ms} ms`, false);
  } catch (err) {
    setStatus(`Could not call the service: ${err instanceof Error ? err.message : String(err)}`, true);
  } finally {
    cards.setAttribute('aria-busy', 'false');
    document.body.setAttribute('data-last-call', `${hook}:${patient.id}`);
  }
}

function selectPatient(): void {
  const patient = patientsById.get(byId<HTMLSelectElement>('patient').value);
  if (!patient) return;
  fillHooks(patient);
  showPatient(patient);
  void run();
}

async function start(): Promise<void> {
  byId('patient').addEventListener('change', selectPatient);
  byId('hook').addEventListener('change', () => void run());
  byId('run').addEventListener('click', () => void run());
  try {
    const response = await fetch('/preview/patients', { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const data = (await response.json()) as { patients: PreviewPatient[] };
    for (const p of data.patients) patientsById.set(p.id, p);
    fillPatients(data.patients);
    selectPatient();
  } catch (err) {
    setStatus(`Could not load the demo patients: ${err instanceof Error ? err.message : String(err)}`, true);
  }
}

document.addEventListener('DOMContentLoaded', () => void start());
