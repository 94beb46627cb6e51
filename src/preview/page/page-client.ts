/**
 * The preview page's script (plain ES5-style browser JavaScript, kept as a string: the service has no bundler).
 * It loads the demo patients from /preview/patients, calls the real hook endpoint with the patient's full
 * prefetch, and renders the cards the way an EHR would. Every value from the server is put in the DOM with
 * textContent or through renderMarkdown (markdown-client.ts), never as HTML.
 */
export const pageClientScript = String.raw`
(function () {
  'use strict';
  var state = { patients: [], byId: {} };
  var el = function (id) { return document.getElementById(id); };

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  function setStatus(text, isError) {
    var s = el('status');
    s.textContent = text;
    s.className = isError ? 'status error' : 'status';
  }

  function fillPatients() {
    var select = el('patient');
    state.patients.forEach(function (p) {
      var option = make('option', null, p.name + ' (' + p.id + ')');
      option.value = p.id;
      select.appendChild(option);
    });
    var wanted = new URLSearchParams(window.location.search).get('patient');
    if (wanted && state.byId[wanted]) select.value = wanted;
  }

  function fillHooks(patient) {
    var select = el('hook');
    var previous = select.value || new URLSearchParams(window.location.search).get('hook');
    select.textContent = '';
    Object.keys(patient.requests).forEach(function (hook) {
      var option = make('option', null, hook);
      option.value = hook;
      select.appendChild(option);
    });
    if (previous && patient.requests[previous]) select.value = previous;
  }

  function showPatient(patient) {
    el('story').textContent = patient.story;
    el('intended').textContent = patient.expected.length === 0
      ? 'Intended: no card.'
      : 'Intended: ' + patient.expected.map(function (e) { return e.cardId + ' (' + e.indicator + ') on ' + e.hook; }).join('; ');
    var body = el('chart').tBodies[0];
    body.textContent = '';
    patient.chart.forEach(function (line) {
      var row = make('tr');
      row.appendChild(make('td', null, line.date || ''));
      var record = make('td');
      record.appendChild(make('strong', null, line.resourceType));
      record.appendChild(document.createTextNode(' ' + line.text));
      row.appendChild(record);
      row.appendChild(make('td', null, line.status || ''));
      body.appendChild(row);
    });
    var draft = el('draft');
    draft.hidden = !patient.draftOrder;
    el('draft-text').textContent = patient.draftOrder ? patient.draftOrder.resourceType + ': ' + patient.draftOrder.text : '';
  }

  function describeAction(action) {
    var head = action.type + (action.resource ? ' ' + action.resource.resourceType : '') +
      (action.resourceId ? ' ' + action.resourceId : '') + (action.description ? ': ' + action.description : '');
    return action.resource ? head + '\n' + JSON.stringify(action.resource, null, 2) : head;
  }

  function renderSuggestions(card, article) {
    if (!card.suggestions || card.suggestions.length === 0) return;
    var box = make('div', 'suggestions');
    var output = make('pre', 'suggestion-resource');
    output.hidden = true;
    card.suggestions.forEach(function (suggestion) {
      var button = make('button', suggestion.isRecommended ? 'recommended' : null, suggestion.label);
      button.type = 'button';
      button.addEventListener('click', function () {
        var actions = suggestion.actions || [];
        output.textContent = actions.length === 0 ? 'This suggestion has no actions.' : actions.map(describeAction).join('\n\n');
        output.hidden = false;
        output.setAttribute('data-suggestion', suggestion.label);
      });
      box.appendChild(button);
    });
    box.appendChild(output);
    article.appendChild(box);
  }

  function renderLinks(card, article) {
    if (!card.links || card.links.length === 0) return;
    var box = make('div', 'links');
    card.links.forEach(function (link) {
      var url = null;
      try { url = new URL(link.url); } catch (e) { url = null; }
      if (link.type === 'smart' || !url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
        box.appendChild(make('span', 'smart', link.label + ' (SMART app: launched by the EHR)'));
        return;
      }
      var a = make('a', null, link.label);
      a.href = url.href; a.target = '_blank'; a.rel = 'noopener noreferrer';
      box.appendChild(a);
    });
    article.appendChild(box);
  }

  function renderDismiss(card, article) {
    if (!card.uuid) return;
    var box = make('div', 'dismiss');
    if (card.overrideReasons && card.overrideReasons.length > 0) {
      var select = make('select', 'override');
      select.setAttribute('aria-label', 'Override reason');
      select.appendChild(make('option', null, 'Override reason…'));
      card.overrideReasons.forEach(function (reason) {
        var option = make('option', null, reason.display || reason.code);
        option.value = reason.code;
        select.appendChild(option);
      });
      box.appendChild(select);
    }
    var dismiss = make('button', null, 'Dismiss');
    dismiss.type = 'button';
    dismiss.addEventListener('click', function () { article.remove(); });
    box.appendChild(dismiss);
    article.appendChild(box);
  }

  function renderCard(card) {
    var indicator = ['critical', 'warning', 'info'].indexOf(card.indicator) >= 0 ? card.indicator : 'info';
    var article = make('article', 'card card-' + indicator);
    article.setAttribute('data-indicator', indicator);
    var topic = card.source && card.source.topic ? card.source.topic.code : '';
    if (topic) article.setAttribute('data-topic', topic);
    var head = make('div', 'card-head');
    head.appendChild(make('span', 'badge', indicator));
    head.appendChild(make('h3', 'summary', card.summary));
    article.appendChild(head);
    var source = make('p', 'source');
    var label = card.source ? card.source.label : '';
    var sourceUrl = null;
    try { sourceUrl = card.source && card.source.url ? new URL(card.source.url) : null; } catch (e) { sourceUrl = null; }
    if (sourceUrl && (sourceUrl.protocol === 'https:' || sourceUrl.protocol === 'http:')) {
      var a = make('a', null, label);
      a.href = sourceUrl.href; a.target = '_blank'; a.rel = 'noopener noreferrer';
      source.appendChild(document.createTextNode('Source: '));
      source.appendChild(a);
    } else {
      source.textContent = 'Source: ' + label;
    }
    if (topic) { source.appendChild(document.createTextNode(' · ')); source.appendChild(make('span', 'topic', topic)); }
    article.appendChild(source);
    if (card.detail) {
      var detail = make('div', 'detail');
      detail.appendChild(renderMarkdown(card.detail));
      article.appendChild(detail);
    }
    renderLinks(card, article);
    renderSuggestions(card, article);
    renderDismiss(card, article);
    return article;
  }

  var ORDER = { critical: 0, warning: 1, info: 2 };

  function run() {
    var patient = state.byId[el('patient').value];
    var hook = el('hook').value;
    if (!patient || !patient.requests[hook]) return;
    var call = patient.requests[hook];
    var body = JSON.parse(JSON.stringify(call.body));
    body.hookInstance = uuid();
    var cards = el('cards');
    cards.textContent = '';
    cards.setAttribute('aria-busy', 'true');
    setStatus('Calling ' + call.serviceId + '…', false);
    var started = performance.now();
    fetch('/cds-services/' + encodeURIComponent(call.serviceId), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (json) { return { status: response.status, json: json }; });
    }).then(function (result) {
      var ms = Math.round(performance.now() - started);
      el('exchange').textContent = 'POST /cds-services/' + call.serviceId + '\n' + JSON.stringify(body, null, 2) +
        '\n\nHTTP ' + result.status + '\n' + JSON.stringify(result.json, null, 2);
      if (result.status !== 200) {
        setStatus('The service answered HTTP ' + result.status + ': ' + (result.json && result.json.message || ''), true);
        return;
      }
      var list = (result.json.cards || []).slice().sort(function (a, b) { return (ORDER[a.indicator] || 0) - (ORDER[b.indicator] || 0); });
      if (list.length === 0) cards.appendChild(make('p', 'empty', 'No cards.'));
      list.forEach(function (card) { cards.appendChild(renderCard(card)); });
      setStatus(list.length + (list.length === 1 ? ' card' : ' cards') + ' from ' + call.serviceId + ' (' + hook + ') in ' + ms + ' ms', false);
    }).catch(function (err) {
      setStatus('Could not call the service: ' + (err && err.message ? err.message : String(err)), true);
    }).then(function () {
      cards.setAttribute('aria-busy', 'false');
      document.body.setAttribute('data-last-call', hook + ':' + patient.id);
    });
  }

  function selectPatient() {
    var patient = state.byId[el('patient').value];
    if (!patient) return;
    fillHooks(patient);
    showPatient(patient);
    run();
  }

  function start() {
    el('patient').addEventListener('change', selectPatient);
    el('hook').addEventListener('change', run);
    el('run').addEventListener('click', run);
    fetch('/preview/patients', { headers: { accept: 'application/json' } })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (data) {
        state.patients = data.patients;
        data.patients.forEach(function (p) { state.byId[p.id] = p; });
        fillPatients();
        selectPatient();
      })
      .catch(function (err) { setStatus('Could not load the demo patients: ' + err.message, true); });
  }

  document.addEventListener('DOMContentLoaded', start);
})();
`;
