// The Unitclock web console (docs/console.md). One script, no framework and no build step: the page is
// built with DOM calls and text nodes only, so text from devices (patient initials, reasons) is always
// shown as text and never read as markup. The server's Content-Security-Policy allows this file only.
'use strict';

(function () {
  const state = { me: null, idleTimer: null };
  const main = () => document.getElementById('main');

  // [SECTION] Building the page

  // el('p', {class: 'note'}, 'text', child, ...): attributes are set as attributes, strings become text.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return node;
  }

  // A long list drawn in part: the first `first` items, then a button that draws the rest. A day of 10,000
  // sessions has 10,000 patient rows and as many flags; drawing them all before the day shows took 17 s.
  function partly(container, items, draw, first, what, wrap) {
    const add = (from, to) => { for (let i = from; i < to; ++i) container.appendChild(draw(items[i], i)); };
    add(0, Math.min(first, items.length));
    if (items.length <= first) return container;
    const more = el('button', { type: 'button', class: 'more no-print', onclick: () => {
      moreBox.remove();
      add(first, items.length);
    } }, 'Show all ' + items.length + ' ' + what + ' (' + (items.length - first) + ' more)');
    const moreBox = wrap ? wrap(more) : el('li', { class: 'more-box' }, more);
    container.appendChild(moreBox);
    return container;
  }
  const SHOWN_AT_FIRST = 100;

  function show(...nodes) {
    main().replaceChildren(...nodes.filter((n) => n !== null && n !== undefined && n !== false));
  }

  // A stored UTC instant ("2026-11-26T18:03:00Z") in the clinic's zone: "26 Nov 2026, 18:03".
  function when(iso) {
    if (!iso) return '';
    const zone = state.me ? state.me.clinic.zone : 'UTC';
    try {
      return new Intl.DateTimeFormat('en-GB', { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' })
        .format(new Date(iso));
    } catch (e) {
      return iso;
    }
  }

  function message(text, kind) {
    return el('p', { class: 'message ' + (kind || 'error'), role: kind === 'ok' ? 'status' : 'alert' }, text);
  }

  const hhmm = (minute) => {
    const m = ((minute % 1440) + 1440) % 1440;
    return String(Math.floor(m / 60)).padStart(2, '0') + ':' + String(m % 60).padStart(2, '0');
  };
  const minutes = (m) => (m >= 60 ? Math.floor(m / 60) + ' h ' + (m % 60) + ' min' : m + ' min');

  // Flags by name (summary.h lists the ids).
  const FLAG_NAMES = {
    'units-differ': 'Device and server units differ',
    'one-on-one-overlap': 'One-on-one with two patients at once',
    'units-exceed-time': 'Units exceed the clock time',
    'unsigned': 'Session not signed',
    'rejected': 'Upload refused',
    'payer-unknown': 'Payer unknown to the server',
    'engine-error': 'Units could not be computed',
    'payer-mismatch': 'Sessions name different payers',
    'npi-missing': 'Clinician has no NPI',
    'stored-session-unreadable': 'Stored session unreadable',
    'no-diagnosis': 'No diagnosis',
    'ncci-overlap': 'Code pair overlapping in time',
    'ncci-pair': 'Code pair needs 59/XU',
    'ncci-separate-blocks': 'Code pair in separate blocks (59/XU)',
    'tie': 'Tied minutes: one code took the unit',
    'assistant-on-evaluation': 'Assistant time on an evaluation',
    'code-discipline': 'Code outside the discipline',
    'eval-and-reeval': 'Evaluation and re-evaluation on one day',
    'group-overlap': 'Group time overlapping',
    'long-session': 'Unusually long session',
    'nothing-billable': 'Nothing billable',
    'units-cap-exceeded': 'Payer unit cap exceeded',
    'zero-unit-timed': 'Timed code under one unit',
  };
  const flagName = (id) => FLAG_NAMES[id] || id.replace(/-/g, ' ');
  const DISCIPLINES = { ot: 'OT', pt: 'PT', slp: 'SLP' };

  // [SECTION] Talking to the server

  class ApiError extends Error {
    constructor(status, text, field) {
      super(text);
      this.status = status;
      this.field = field;
    }
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && state.me) headers['X-CSRF-Token'] = state.me.csrf;
    const res = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin', cache: 'no-store',
    });
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      const err = new ApiError(res.status, (data && data.error) || ('the server answered ' + res.status),
        data && data.field);
      if (res.status === 401 && path !== '/console/api/login') {
        state.me = null;
        signInPage(err.field === 'idle'
          ? err.message.charAt(0).toUpperCase() + err.message.slice(1) + '. Sign in again.' : null);
      }
      throw err;
    }
    armIdleTimer();
    return data;
  }

  // The server signs a user out after the clinic's idle time; the page follows it there without waiting
  // for the next click, so an unattended screen does not keep showing the day.
  function armIdleTimer() {
    if (state.idleTimer) clearTimeout(state.idleTimer);
    if (!state.me) return;
    state.idleTimer = setTimeout(() => {
      api('GET', '/console/api/me').catch(() => {});
    }, (state.me.idle_seconds + 1) * 1000);
  }

  // [SECTION] Sign in

  function signInPage(note) {
    document.getElementById('top').hidden = true;
    if (state.idleTimer) clearTimeout(state.idleTimer);
    const error = el('div', { id: 'sign-in-error' });
    const user = el('input', { id: 'user', name: 'user', autocomplete: 'username', required: true });
    const password = el('input', { id: 'password', name: 'password', type: 'password',
      autocomplete: 'current-password', required: true });
    const form = el('form', { class: 'sign-in', id: 'sign-in', 'aria-labelledby': 'sign-in-title' },
      el('h1', { id: 'sign-in-title' }, 'Unitclock console'),
      el('p', {}, 'Sign in with your console user id and password. For privacy, the console signs you out when it is left idle (after 15 minutes, unless your clinic chose another time).'),
      note ? message(note, 'info') : null,
      el('label', { for: 'user' }, 'User id'), user,
      el('label', { for: 'password' }, 'Password'), password,
      error,
      el('button', { type: 'submit', id: 'sign-in-button' }, 'Sign in'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.replaceChildren();
      try {
        await api('POST', '/console/api/login', { user: user.value, password: password.value });
        await start();
      } catch (e) {
        error.replaceChildren(message(e.message));
        password.value = '';
        password.focus();
      }
    });
    show(form);
    user.focus();
  }

  async function start() {
    try {
      state.me = await api('GET', '/console/api/me');
    } catch (e) {
      if (e.status !== 401) show(message(e.message));
      return;
    }
    const me = state.me;
    document.getElementById('top').hidden = false;
    document.getElementById('who').textContent =
      me.user.name + ' (' + me.user.role + ') · ' + me.clinic.name;
    const admin = me.user.role === 'admin';
    document.getElementById('nav-devices').hidden = !admin;
    document.getElementById('nav-audit').hidden = !admin;
    document.getElementById('nav-settings').hidden = !admin;
    route();
  }

  const mayDecide = () => state.me && (state.me.user.role === 'supervisor' || state.me.user.role === 'admin');

  // [SECTION] Pages

  async function route() {
    if (!state.me) return start();
    const hash = location.hash || '#/day';
    const parts = hash.slice(2).split('/');
    for (const a of document.querySelectorAll('nav a')) a.removeAttribute('aria-current');
    const nav = document.getElementById('nav-' + parts[0]);
    if (nav) nav.setAttribute('aria-current', 'page');
    try {
      if (parts[0] === 'session' && parts[1]) await sessionPage(parts[1]);
      else if (parts[0] === 'exports') await exportsPage(parts[1]);
      else if (parts[0] === 'devices') await devicesPage();
      else if (parts[0] === 'reports') await reportsPage(parts[1], parts[2]);
      else if (parts[0] === 'audit') await auditPage();
      else if (parts[0] === 'settings') await settingsPage();
      else await dayPage(parts[1] || state.me.today);
    } catch (e) {
      if (e.status !== 401) show(message(e.message));
    }
    main().focus();
  }

  function datePicker(date, target) {
    const input = el('input', { type: 'date', id: 'date', value: date, 'aria-label': 'Day' });
    const shift = (days) => {
      const d = new Date(date + 'T12:00:00Z');
      d.setUTCDate(d.getUTCDate() + days);
      location.hash = target + d.toISOString().slice(0, 10);
    };
    return el('div', { class: 'picker no-print' },
      el('button', { type: 'button', onclick: () => shift(-1), 'aria-label': 'Previous day' }, '◀'),
      input,
      el('button', { type: 'button', onclick: () => shift(1), 'aria-label': 'Next day' }, '▶'),
      el('button', { type: 'button', id: 'go', onclick: () => { if (input.value) location.hash = target + input.value; } }, 'Show'),
      el('button', { type: 'button', id: 'print', onclick: () => window.print() }, 'Print'));
  }

  function totalsBox(t) {
    const tile = (label, value, warn) => el('div', { class: 'tile' + (warn ? ' warn' : '') },
      el('span', { class: 'value' }, String(value)), el('span', { class: 'label' }, label));
    return el('div', { class: 'totals', id: 'totals' },
      tile('sessions', t.sessions), tile('timed minutes', t.timed), tile('treatment minutes', t.treatment),
      tile('units', t.units), tile('open flags', t.open_flags, t.open_flags > 0),
      tile('held', t.held, t.held > 0), tile('unapproved clinicians', t.unapproved, t.unapproved > 0),
      tile('unsigned', t.unsigned, t.unsigned > 0),
      tile('open on kiosks', t.unsigned_on_devices, t.unsigned_on_devices > 0),
      tile('awaiting co-sign', t.awaiting_cosign, t.awaiting_cosign > 0));
  }

  const PALETTE = 10;

  // A clinician's flags by name, in the order first seen: [[id, open, acknowledged], ...].
  function flagSummary(day, indexes) {
    const byId = new Map();
    for (const i of indexes) {
      const f = day.flags[i];
      if (!byId.has(f.id)) byId.set(f.id, [f.id, 0, 0]);
      byId.get(f.id)[f.acknowledged ? 2 : 1] += 1;
    }
    return [...byId.values()];
  }

  // Lookups by id, built once per day: a day of 10,000 sessions must not be searched once per row.
  function indexDay(day) {
    day.sessionIndex = new Map(day.sessions.map((s, i) => [s[0], i]));
    day.clinicianNames = new Map(day.clinicians.map((c) => [c.id, c.name]));
    return day;
  }
  const nameOf = (day, clinicianId) => day.clinicianNames.get(clinicianId) || clinicianId;

  function timeline(day) {
    const [from, to] = day.window;
    const span = Math.max(60, to - from);
    const pct = (m) => ((m - from) / span * 100).toFixed(3) + '%';
    const ticks = el('div', { class: 'ticks', 'aria-hidden': 'true' });
    for (let h = from; h <= to; h += 60) {
      const t = el('span', { class: 'tick' }, hhmm(h));
      t.style.left = pct(h);
      ticks.appendChild(t);
    }
    const lanes = document.createDocumentFragment();
    for (const c of day.clinicians) {
      const track = el('div', { class: 'track' });
      const bySession = new Map();
      for (const b of c.bars) {
        const [s, e, code, sessionIdx, assistant] = b;
        const session = day.sessions[sessionIdx];
        const [codeText, codeName] = day.codes[code];
        const label = hhmm(s) + '–' + hhmm(e) + ' ' + codeText + (codeName ? ' ' + codeName : '') + ', ' +
          session[1] + (assistant ? ', assistant' : '') + (session[2] ? '' : ', not signed');
        const bar = el('a', { class: 'bar c' + (code % PALETTE) + (assistant ? ' assistant' : '') + (session[2] ? '' : ' unsigned'),
          href: '#/session/' + session[0], title: label, 'aria-label': label }, e - s >= 12 ? session[1] : '');
        bar.style.left = pct(s);
        bar.style.width = pct(from + (e - s));
        track.appendChild(bar);
        if (!bySession.has(sessionIdx)) bySession.set(sessionIdx, []);
        bySession.get(sessionIdx).push([s, e]);
      }
      // One-on-one overlaps, marked where they happen (in the error colour, with a shape too).
      for (const fi of c.flags) {
        const f = day.flags[fi];
        if (f.id !== 'one-on-one-overlap' || f.sessions.length < 2) continue;
        const idx = f.sessions;  // indexes into day.sessions
        const a = bySession.get(idx[0]) || [], b = bySession.get(idx[1]) || [];
        for (const [s1, e1] of a) for (const [s2, e2] of b) {
          const s = Math.max(s1, s2), e = Math.min(e1, e2);
          if (e <= s) continue;
          const mark = el('span', { class: 'overlap', title: 'One-on-one with two patients at once ' + hhmm(s) + '–' + hhmm(e),
            role: 'img', 'aria-label': 'Overlap ' + hhmm(s) + '–' + hhmm(e) }, '⚠');
          mark.style.left = pct(s);
          mark.style.width = pct(from + (e - s));
          track.appendChild(mark);
        }
      }
      lanes.appendChild(el('div', { class: 'lane' }, el('span', { class: 'lane-name' }, c.name), track));
    }
    const legend = el('ul', { class: 'legend', 'aria-label': 'Codes' },
      day.codes.map(([code, name], i) => el('li', {}, el('span', { class: 'swatch c' + (i % PALETTE) }), code + (name ? ' ' + name : ''))),
      el('li', {}, el('span', { class: 'swatch assistant c0' }), 'hatched: assistant'),
      el('li', {}, el('span', { class: 'overlap-key' }, '⚠'), 'one-on-one overlap'));
    return el('section', { class: 'timeline-box', 'aria-labelledby': 'timeline-title' },
      el('h2', { id: 'timeline-title' }, 'Timeline (' + day.clinic.zone + ')'), legend,
      el('div', { class: 'timeline', id: 'timeline' }, el('div', { class: 'lane' }, el('span', { class: 'lane-name' }), ticks), lanes));
  }

  function reasonAction(label, id, onSubmit) {
    const input = el('input', { type: 'text', maxlength: 500, 'aria-label': 'Reason to ' + label.toLowerCase(),
      placeholder: 'Reason', class: 'reason', id: id ? id + '-reason' : null });
    const out = el('span', { class: 'result' });
    const form = el('form', { class: 'inline no-print' }, input,
      el('button', { type: 'submit', id: id }, label), out);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      out.replaceChildren();
      if (!input.value.trim()) { out.replaceChildren(message('Give a reason first.')); input.focus(); return; }
      try { await onSubmit(input.value.trim()); } catch (e) { out.replaceChildren(message(e.message)); }
    });
    return form;
  }

  async function dayPage(date) {
    const day = indexDay(await api('GET', '/console/api/days/' + encodeURIComponent(date)));
    const reload = () => dayPage(date);
    const sessionLink = (id) => {
      const s = day.sessions[day.sessionIndex.get(id)];
      return el('a', { href: '#/session/' + id, class: 'session-link' }, (s ? s[1] + ' ' : '') + id.slice(0, 8));
    };
    const flagRow = (f) => el('li', { class: 'flag' + (f.acknowledged ? ' done' : ''), 'data-flag': f.id },
      el('strong', {}, flagName(f.id)), ' ',
      el('span', { class: 'explain' }, f.message), ' ',
      f.sessions.length ? el('span', {}, 'Sessions: ', f.sessions.map((i) => sessionLink(day.sessions[i][0]))) : null,
      f.acknowledged
        ? el('span', { class: 'ack' }, 'Acknowledged by ' + f.acknowledged.by + ' on ' + when(f.acknowledged.at) + ': ' + f.acknowledged.reason)
        : el('span', { class: 'hint' }, f.id === 'unsigned' || f.id === 'no-diagnosis' || f.id === 'units-differ'
          ? 'Usually cleared by a correction on the kiosk; or acknowledge it with a reason.'
          : 'Clear it with a correction on the kiosk, or acknowledge it with a reason.'),
      !f.acknowledged && mayDecide() ? reasonAction('Acknowledge', 'ack-' + f.key, async (reason) => {
        await api('POST', '/console/api/acknowledge', { date, key: f.key, reason });
        await reload();
      }) : null);

    const clinicians = el('table', { class: 'grid', id: 'clinicians' },
      el('caption', {}, 'Clinicians'),
      el('thead', {}, el('tr', {}, ['Clinician', 'Sessions', 'Timed', 'Treatment', 'On the clock', 'Units', 'Units per hour', 'Flags', 'Approval']
        .map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, day.clinicians.map((c) => el('tr', { 'data-clinician': c.id },
        el('th', { scope: 'row' }, c.name),
        el('td', {}, c.sessions), el('td', {}, minutes(c.timed)), el('td', {}, minutes(c.treatment)),
        el('td', {}, minutes(c.clock)), el('td', {}, c.units), el('td', {}, c.uph.toFixed(1)),
        el('td', {}, c.flags.length ? el('ul', { class: 'flag-names' }, flagSummary(day, c.flags).map(([id, open, seen]) =>
          el('li', { class: open ? '' : 'done' }, flagName(id) + (open + seen > 1 ? ' × ' + (open + seen) : '') +
            (seen ? (open ? ' (' + seen + ' acknowledged)' : ' (acknowledged)') : '')))) : 'none'),
        el('td', {}, c.approved
          ? el('span', { class: 'approved' }, '✔ Approved by ' + c.approved.by + ' on ' + when(c.approved.at))
          : [c.approval_lapsed ? el('span', { class: 'lapsed' }, 'Changed since approved by ' + c.approval_lapsed.by + '. ') : null,
            mayDecide() ? el('button', { type: 'button', class: 'approve no-print', id: 'approve-' + c.id, onclick: async (ev) => {
              const cell = ev.target.parentNode;
              try { await api('POST', '/console/api/approve', { date, clinician: c.id, hash: c.hash }); await reload(); }
              catch (e) { cell.appendChild(message(e.message)); }
            } }, 'Approve ' + c.name + '’s day') : el('span', {}, 'Not approved')])))));

    const patients = el('table', { class: 'grid', id: 'patients' },
      el('caption', {}, 'Patients: the server’s lines for each patient’s day'),
      el('thead', {}, el('tr', {}, ['Patient', 'Discipline', 'Payer', 'Lines', 'Diagnoses', 'Device agrees', 'Sessions', 'Held']
        .map((h) => el('th', { scope: 'col' }, h)))),
      partly(el('tbody', {}), day.patients, (p) => el('tr', { 'data-patient': p.initials + ' ' + p.discipline },
        el('th', { scope: 'row' }, p.initials),
        el('td', {}, DISCIPLINES[p.discipline] || p.discipline), el('td', {}, p.payer),
        el('td', {}, p.lines.length ? p.lines.map(([code, units, mods]) => el('div', {}, code + ' × ' + units + (mods.length ? ' ' + mods.join(' ') : ''))) : '—'),
        el('td', {}, p.diagnoses.join(', ') || '—'),
        el('td', {}, p.recomputed ? (p.agrees ? 'yes' : 'NO') : 'not computed'),
        el('td', {}, p.sessions.map((i) => sessionLink(day.sessions[i][0]))),
        el('td', {}, p.waiting.length ? el('strong', { class: 'held waiting' }, 'Waiting for ' + p.waiting.join(' and ')) : null,
          p.hold.length === 0 ? (p.waiting.length ? null : 'no')
          : p.released ? el('span', { class: 'released' }, 'Released by ' + p.released.by + ' on ' + when(p.released.at) + ': ' + p.released.reason)
          : [el('strong', { class: 'held' }, 'Held: ' + p.hold.map(flagName).join(', ')),
             mayDecide() ? reasonAction('Release', 'release-' + p.initials + '-' + p.discipline, async (reason) => {
               await api('POST', '/console/api/release', { date, mrn: p.mrn, discipline: p.discipline, reason });
               await reload();
             }) : null])), SHOWN_AT_FIRST, 'patients', (more) => el('tr', { class: 'more-box' }, el('td', { colspan: 8 }, more))));

    const flags = el('section', { 'aria-labelledby': 'flags-title', id: 'flags' },
      el('h2', { id: 'flags-title' }, 'Flags and holds'),
      day.flags.length ? partly(el('ul', { class: 'flags' }), day.flags, flagRow, SHOWN_AT_FIRST, 'flags')
        : el('p', {}, 'No flags on this day.'));

    const policyNote = policyText(day.policy);
    const cosign = day.cosign.length ? el('section', { id: 'cosign', 'aria-labelledby': 'cosign-title' },
      el('h2', { id: 'cosign-title' }, 'Assistants’ sessions: co-sign'),
      el('p', {}, day.policy.cosign_assistants
        ? 'This clinic holds an assistant’s session out of the exports until a supervising therapist co-signs it.'
        : 'This clinic does not require co-signs; a co-sign is recorded all the same.'),
      el('ul', { class: 'cosign' }, day.cosign.map((c) => el('li', { 'data-session': c.id },
        sessionLink(c.id), ' furnished by ' + c.assistants.map((a) => nameOf(day, a)).join(', ') + ' (revision ' + c.revision + ') ',
        c.cosigned
          ? el('span', { class: 'approved' }, '✔ Co-signed by ' + c.cosigned.by + ' on ' + when(c.cosigned.at) + (c.cosigned.reason ? ': ' + c.cosigned.reason : ''))
          : state.me.user.role === 'supervisor' ? el('button', { type: 'button', class: 'no-print', id: 'cosign-' + c.id, onclick: async (ev) => {
            const cell = ev.target.parentNode;
            try { await api('POST', '/console/api/cosign', { date, session: c.id, revision: c.revision, reason: '' }); await reload(); }
            catch (e) { cell.appendChild(message(e.message)); }
          } }, 'Co-sign') : el('span', {}, 'Not co-signed'))))) : null;
    const onDevices = day.on_devices.length ? el('section', { id: 'on-devices', 'aria-labelledby': 'on-devices-title' },
      el('h2', { id: 'on-devices-title' }, 'Not signed on the kiosks'),
      el('p', {}, 'Sessions the kiosks reported with their last sync as still open or ended and waiting for a signature. They reach the day once signed.'),
      el('table', { class: 'grid' },
        el('thead', {}, el('tr', {}, ['Patient', 'Clinician', 'State', 'Started', 'Kiosk', 'Reported'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, day.on_devices.map(([initials, who, st, started, device, reported]) => el('tr', {},
          el('th', { scope: 'row' }, initials), el('td', {}, nameOf(day, who)), el('td', {}, st === 'open' ? 'running or paused' : 'ended, not signed'),
          el('td', {}, started), el('td', {}, device), el('td', {}, when(reported))))))) : null;

    // Printed: one page per clinician.
    const report = () => el('section', { class: 'print-only' }, day.clinicians.map((c) => el('div', { class: 'print-page' },
      el('h2', {}, c.name + ' · ' + day.clinic.name + ' · ' + day.date),
      el('p', {}, 'Sessions ' + c.sessions + ' · timed ' + minutes(c.timed) + ' · treatment ' + minutes(c.treatment) +
        ' · on the clock ' + minutes(c.clock) + ' · units ' + c.units + ' · units per hour ' + c.uph.toFixed(1)),
      el('p', {}, c.approved ? 'Approved by ' + c.approved.by + ' on ' + when(c.approved.at) : 'Not approved'),
      el('ul', {}, c.flags.map((i) => el('li', {}, flagName(day.flags[i].id) + ': ' + day.flags[i].message))))));

    show(el('h1', {}, day.clinic.name + ' · ' + day.date),
      el('p', { class: 'zone' }, 'Times in ' + day.clinic.zone + '.'),
      policyNote ? el('p', { class: 'policy', id: 'policy' }, policyNote) : null,
      datePicker(day.date, '#/day/'), totalsBox(day.totals), timeline(day), clinicians, flags, cosign, patients, onDevices,
      day.unsigned.length ? el('section', { id: 'unsigned' }, el('h2', {}, 'Not signed yet'),
        el('ul', {}, day.unsigned.map(([id, status, who]) => el('li', {}, sessionLink(id), ' ' + status + ' · ' + nameOf(day, who))))) : null,
      null);
    performance.mark('uc-day-rendered');  // read by bench/console (first paint of a large day)
    // The printed report (a page per clinician, every flag) is built once the day is on screen and the
    // browser is idle; printing before that waits for it.
    const addReport = () => {
      if (main().contains(clinicians) && !main().querySelector('.print-only')) main().appendChild(report());
    };
    (window.requestIdleCallback || setTimeout)(addReport, { timeout: 3000 });
    window.addEventListener('beforeprint', addReport, { once: true });
  }

  async function sessionPage(id) {
    const s = await api('GET', '/console/api/sessions/' + encodeURIComponent(id));
    const table = (caption, heads, rows, tid) => el('table', { class: 'grid', id: tid }, el('caption', {}, caption),
      el('thead', {}, el('tr', {}, heads.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', {}, c))))));
    show(el('p', { class: 'no-print' }, el('a', { href: '#/day/' + s.date }, '← The day ' + s.date)),
      el('h1', {}, 'Session of ' + s.initials + ' · ' + (DISCIPLINES[s.discipline] || s.discipline) + ' · ' + s.date),
      el('dl', { class: 'facts' },
        el('dt', {}, 'Status'), el('dd', { id: 'status' }, s.status + ' (revision ' + s.revision + ')'),
        el('dt', {}, 'Rendering'), el('dd', {}, s.rendering),
        el('dt', {}, 'Payer'), el('dd', {}, s.payer),
        el('dt', {}, 'Diagnoses'), el('dd', {}, s.diagnoses.join(', ') || 'none'),
        el('dt', {}, 'Time'), el('dd', {}, s.started + '–' + s.ended + ' (' + s.zone + ')'),
        el('dt', {}, 'Device'), el('dd', {}, s.device),
        el('dt', {}, 'Received'), el('dd', {}, when(s.received_at))),
      el('h2', {}, 'What happened'),
      el('ol', { class: 'events', id: 'events' }, s.events.map(([seq, time, what]) => el('li', { value: seq }, el('time', {}, time), ' ', what))),
      table('Segments', ['#', 'Code', 'From', 'To', 'Minutes', 'By', 'Performer', 'Mode'],
        s.segments.map((g, i) => [String(i + 1), g.code + (g.name ? ' ' + g.name : ''), g.start, g.end, String(g.minutes), g.clinician, g.performer, g.mode.replace(/_/g, ' ')]), 'segments'),
      s.untimed.length ? table('Untimed services', ['Code', 'Minutes', 'Of those, assistant alone', 'Recorded by'],
        s.untimed.map((u) => [u.code + (u.name ? ' ' + u.name : ''), String(u.minutes), String(u.assistant_minutes), u.clinician]), 'untimed') : null,
      table('Lines the device showed', ['Code', 'Units', 'Modifiers'], s.lines.map((l) => [l.code, String(l.units), l.modifiers.join(' ')]), 'lines'),
      table('Revisions', ['Revision', 'Reason', 'Device', 'Received'],
        s.revisions.map((r) => [String(r.revision), r.reason || '—', String(r.device), when(r.received_at)]), 'revisions'),
      el('details', { class: 'no-print' }, el('summary', {}, 'The upload as stored'), el('pre', {}, JSON.stringify(s.upload, null, 2))));
  }

  async function exportsPage(date) {
    date = date || state.me.today;
    const day = indexDay(await api('GET', '/console/api/days/' + encodeURIComponent(date)));
    const from = el('input', { type: 'date', id: 'from', value: date });
    const to = el('input', { type: 'date', id: 'to', value: date });
    const links = el('div', { class: 'downloads' });
    const refresh = () => {
      const q = to.value && to.value !== from.value ? '?to=' + to.value : '';
      links.replaceChildren(...[['csv', 'CSV'], ['hl7', 'HL7 v2.5.1'], ['json', 'FHIR-shaped JSON']].map(([ext, name]) =>
        el('a', { class: 'button', id: 'download-' + ext, href: '/console/api/exports/' + from.value + '.' + ext + q, download: '' }, 'Download ' + name)));
    };
    from.addEventListener('change', () => { if (to.value < from.value) to.value = from.value; refresh(); });
    to.addEventListener('change', refresh);
    refresh();
    const held = day.patients.filter((p) => (p.hold.length && !p.released) || p.waiting.length);
    const why = (p) => [...(p.released ? [] : p.hold.map(flagName)), ...p.waiting.map((w) => 'waiting for ' + w)].join(', ');
    const unapproved = day.clinicians.filter((c) => !c.approved);
    show(el('h1', {}, 'Exports · ' + day.clinic.name),
      el('p', {}, 'Charges of signed sessions as the server computes them. Held patient-days are left out until released, and, where the clinic requires it, until approved and co-signed.'),
      policyText(day.policy) ? el('p', { class: 'policy' }, policyText(day.policy)) : null,
      el('div', { class: 'picker' }, el('label', { for: 'from' }, 'From'), from, el('label', { for: 'to' }, 'To'), to),
      links,
      el('section', { id: 'excluded' }, el('h2', {}, 'On ' + day.date + ', beside the download'),
        el('h3', {}, 'Held (left out): ' + held.length),
        el('ul', {}, held.map((p) => el('li', {}, p.initials + ' ' + (DISCIPLINES[p.discipline] || p.discipline) + ': ' + why(p)))),
        el('h3', {}, 'Not approved: ' + unapproved.length),
        el('ul', {}, unapproved.map((c) => el('li', {}, c.name))),
        el('h3', {}, 'Assistants’ sessions not co-signed: ' + day.totals.awaiting_cosign +
          (day.policy.cosign_assistants ? ' (held until co-signed)' : ' (this clinic does not require co-signs)')),
        el('h3', {}, 'Open or unsigned on the kiosks: ' + day.on_devices.length),
        el('h3', {}, 'Not signed (not exported): ' + day.unsigned.length),
        el('ul', {}, day.unsigned.map(([id, status, who]) => el('li', {},
          el('a', { href: '#/session/' + id }, id.slice(0, 8)), ' ' + status + ' · ' + nameOf(day, who))))));
  }

  // A week (the 7 days ending on a day) or a month (the calendar month of a day).
  async function reportsPage(kind, date) {
    kind = kind === 'month' ? 'month' : 'week';
    date = date || state.me.today;
    const end = new Date(date + 'T12:00:00Z');
    let from, to;
    if (kind === 'month') {
      from = date.slice(0, 8) + '01';
      const last = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 0));
      to = last.toISOString().slice(0, 10);
    } else {
      const start = new Date(end);
      start.setUTCDate(start.getUTCDate() - 6);
      from = start.toISOString().slice(0, 10);
      to = date;
    }
    const r = await api('GET', '/console/api/reports?from=' + from + '&to=' + to);
    const picker = el('input', { type: 'date', id: 'report-date', value: date, 'aria-label': 'Last day' });
    const go = (k) => { location.hash = '#/reports/' + k + '/' + (picker.value || date); };
    show(el('h1', {}, 'Report · ' + r.clinic.name + ' · ' + r.from + ' to ' + r.to),
      el('div', { class: 'picker no-print' }, picker,
        el('button', { type: 'button', id: 'report-week', onclick: () => go('week') }, 'Week ending this day'),
        el('button', { type: 'button', id: 'report-month', onclick: () => go('month') }, 'Month of this day'),
        el('button', { type: 'button', onclick: () => window.print() }, 'Print')),
      el('p', {}, r.sessions + ' sessions; ' + r.held + ' patient-days held.'),
      el('table', { class: 'grid', id: 'report-clinicians' }, el('caption', {}, 'Per clinician'),
        el('thead', {}, el('tr', {}, ['Clinician', 'Days', 'Sessions', 'Timed', 'Treatment', 'On the clock', 'Units', 'Units per hour']
          .map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, r.clinicians.map((c) => el('tr', {}, el('th', { scope: 'row' }, c.name), el('td', {}, String(c.days)),
          el('td', {}, String(c.sessions)), el('td', {}, minutes(c.timed)), el('td', {}, minutes(c.treatment)),
          el('td', {}, minutes(c.clock)), el('td', {}, String(c.units)), el('td', {}, c.uph.toFixed(1)))))),
      el('table', { class: 'grid', id: 'report-payers' }, el('caption', {}, 'Per payer'),
        el('thead', {}, el('tr', {}, ['Payer', 'Patient-days', 'Units'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, r.payers.map((p) => el('tr', {}, el('th', { scope: 'row' }, p.payer),
          el('td', {}, String(p.patient_days)), el('td', {}, String(p.units)))))));
  }

  async function devicesPage() {
    const d = await api('GET', '/console/api/devices');
    show(el('h1', {}, 'Devices'),
      el('table', { class: 'grid', id: 'devices' }, el('caption', {}, 'Kiosks enrolled with this clinic (times in ' + state.me.clinic.zone + ')'),
        el('thead', {}, el('tr', {}, ['Id', 'Label', 'Last seen', 'App', 'Pending uploads', 'Enrolled', ''].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, d.devices.map((x) => el('tr', {},
          el('td', {}, String(x.id)), el('th', { scope: 'row' }, x.label || '—'), el('td', {}, x.last_seen_at ? when(x.last_seen_at) : 'never'),
          el('td', {}, x.app_version || '—'), el('td', {}, x.pending_uploads === null ? '—' : String(x.pending_uploads)),
          el('td', {}, when(x.enrolled_at)),
          el('td', {}, x.revoked_at ? 'Revoked ' + when(x.revoked_at) : el('button', { type: 'button', id: 'revoke-' + x.id, onclick: async () => {
            if (!window.confirm('Revoke ' + (x.label || 'device ' + x.id) + '? It can no longer sync until enrolled again.')) return;
            await api('POST', '/console/api/devices/' + x.id + '/revoke', {});
            await devicesPage();
          } }, 'Revoke')))))));
  }

  async function auditPage() {
    const a = await api('GET', '/console/api/audit');
    show(el('h1', {}, 'Audit log'),
      el('table', { class: 'grid', id: 'audit' }, el('caption', {}, 'Newest first (times in ' + state.me.clinic.zone + ')'),
        el('thead', {}, el('tr', {}, ['When', 'Who', 'What', 'On', 'Detail'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, a.entries.map(([, at, who, action, target, detail]) => el('tr', {},
          el('td', {}, when(at)), el('td', {}, who || '(command line)'), el('td', {}, action), el('td', {}, target), el('td', {}, detail))))));
  }

  function policyText(policy) {
    const parts = [];
    if (policy.approved_only) parts.push('exports a patient-day only once its clinicians’ days are approved');
    if (policy.cosign_assistants) parts.push('holds assistants’ sessions until a supervisor co-signs them');
    return parts.length ? 'This clinic ' + parts.join(' and ') + '.' : '';
  }

  async function settingsPage() {
    const s = await api('GET', '/console/api/settings');
    const box = (id, checked, label) => el('div', { class: 'setting' },
      el('input', { type: 'checkbox', id, checked }), ' ', el('label', { for: id }, label));
    const out = el('div', { id: 'settings-result' });
    const form = el('form', { id: 'settings-form' },
      el('fieldset', {}, el('legend', {}, 'Before charges leave in an export'),
        box('approved-only', s.review.approved_only, 'Export approved charges only: a patient-day waits until a supervisor approves the days of the clinicians who treated the patient.'),
        box('cosign-assistants', s.review.cosign_assistants, 'Assistants’ sessions need a co-sign: a session with time furnished by an OTA, PTA or SLPA waits for a supervising therapist’s co-sign.')),
      el('button', { type: 'submit', id: 'save-settings' }, 'Save settings'), out);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      out.replaceChildren();
      try {
        await api('POST', '/console/api/settings', { review: {
          approved_only: document.getElementById('approved-only').checked,
          cosign_assistants: document.getElementById('cosign-assistants').checked } });
        out.replaceChildren(message('Saved. The change is in the audit log.', 'ok'));
      } catch (e) { out.replaceChildren(message(e.message)); }
    });
    show(el('h1', {}, 'Settings · ' + state.me.clinic.name), form);
  }

  // [SECTION] Start

  window.addEventListener('hashchange', () => { if (state.me) route(); });
  document.addEventListener('DOMContentLoaded', () => {
    document.getElementById('sign-out').addEventListener('click', async () => {
      try { await api('POST', '/console/api/logout', {}); } catch (e) { /* signed out either way */ }
      state.me = null;
      signInPage('You are signed out.');
    });
    start();
  });
})();
