// The Coffer console: every view is built from the admin API (/api/v1/admin/...), never from
// HTML strings (text goes in through textContent only), and no inline script (the page's
// Content-Security-Policy allows scripts from this file alone).
'use strict';

const API = '/api/v1/admin';
let csrfToken = null;
let countdownTimer = null;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'onclick' || name === 'onsubmit') node.addEventListener(name.slice(2), value);
    else if (name === 'text') node.textContent = String(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// replaceChildren() without the null placeholders of optional parts.
function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter(c => c !== null && c !== undefined));
  return node;
}

function show(id) {
  for (const section of ['setup', 'login', 'page']) document.getElementById(section).hidden = section !== id;
  document.getElementById('nav').hidden = id !== 'page';
}

async function api(method, path, body) {
  const headers = {'Accept': 'application/json'};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(API + path, {method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body)});
  if (response.status === 401 && path !== '/session') {
    csrfToken = null;
    show('login');
    throw new Error('the session ended: log in again');
  }
  if (response.status === 204) return null;
  const data = await response.json();
  if (!response.ok) throw new Error((data && data.detail) || response.statusText);
  return data;
}

function page(...children) {
  return fill(document.getElementById('page'), ...children);
}

function failure(error) {
  page(el('p', {class: 'error', id: 'page-error', text: error.message}));
}

function dl(pairs) {
  return el('dl', {}, pairs.flatMap(([term, value, attrs]) => [el('dt', {text: term}), el('dd', Object.assign({text: value ?? '—'}, attrs || {}))]));
}

function bytes(n) {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
}

function countdown(expiresAt) {
  if (!expiresAt) return 'no expiry (long-lived, or refreshed by the provider)';
  const left = Math.floor((Date.parse(expiresAt) - Date.now()) / 1000);
  if (left <= 0) return 'expired at ' + expiresAt;
  const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
  return `${h}h ${String(m).padStart(2, '0')}m ${String(s).padStart(2, '0')}s left (${expiresAt})`;
}

// ---- Overview ----
async function overview() {
  const data = await api('GET', '/overview');
  const health = data.health;
  const creds = data.credentials;
  const expiry = el('dd', {id: 'credentials-expiry', text: countdown(creds.expires_at)});
  clearInterval(countdownTimer);
  countdownTimer = setInterval(() => { expiry.textContent = countdown(creds.expires_at); }, 1000);
  const doctorBox = el('div', {id: 'doctor'});
  renderDoctor(doctorBox, data.doctor);
  const tableRows = data.tables.map(t => el('tr', {},
    el('td', {text: t.name}), el('td', {class: 'status-' + t.status, text: t.status}),
    el('td', {text: t.item_count ?? '—'}), el('td', {text: bytes(t.size_bytes)})));
  const s3 = health.s3 || {};
  page(
    el('h1', {}, 'Overview ', el('span', {id: 'health-status', class: 'status-' + health.status, text: health.status})),
    el('div', {class: 'cards'},
      el('div', {class: 'card'}, el('h2', {text: 'Credentials'}),
        el('dl', {},
          el('dt', {text: 'mode'}), el('dd', {id: 'credentials-mode', text: creds.mode}),
          el('dt', {text: 'source'}), el('dd', {id: 'credentials-source', text: creds.source}),
          el('dt', {text: 'status'}), el('dd', {class: 'status-' + creds.status, text: creds.status}),
          el('dt', {text: 'access key'}), el('dd', {text: creds.access_key_id ?? '—'}),
          el('dt', {text: 'account'}), el('dd', {text: creds.account ?? '—'}),
          el('dt', {text: 'expiry'}), expiry,
          el('dt', {text: 'warning at'}), el('dd', {text: Math.round(creds.warning_threshold_seconds / 60) + ' min before expiry'}))),
      el('div', {class: 'card'}, el('h2', {text: 'Deployment'}),
        dl([['version', health.version], ['mode', data.deployment.mode], ['region', data.deployment.region],
          ['DynamoDB', (health.dynamodb || {}).status, {class: 'status-' + (health.dynamodb || {}).status}],
          ['S3 bucket', data.deployment.bucket], ['bucket status', s3.status, {class: 'status-' + s3.status}],
          ['prefix', data.deployment.prefix || '(none)']]))),
    el('h2', {text: 'Tables'}),
    el('table', {id: 'tables'}, el('tr', {}, ['table', 'status', 'items', 'size'].map(h => el('th', {text: h}))), tableRows),
    el('h2', {}, 'Doctor (read-only checks) ', el('button', {type: 'button', id: 'run-doctor', onclick: async (event) => {
      event.target.disabled = true;
      try { renderDoctor(doctorBox, await api('POST', '/doctor')); } catch (e) { fill(doctorBox, el('p', {class: 'error', text: e.message})); }
      event.target.disabled = false;
    }}, 'Run doctor')),
    doctorBox);
}

function renderDoctor(box, run) {
  if (!run) {
    fill(box, el('p', {class: 'muted', text: 'Not run since start-up.'}));
    return;
  }
  fill(box,
    el('p', {}, 'Ran at ' + run.ran_at + ': ', el('span', {id: 'doctor-verdict', class: run.fit ? 'status-ok' : 'status-fail',
      text: run.fit ? 'fit to serve' : 'problems found'})),
    el('table', {}, run.results.map(r => el('tr', {}, el('td', {class: 'status-' + r.status, text: r.status}), el('td', {text: r.line.replace(/^\S+\s+/, '')})))));
}

// ---- Users ----
async function users(query, cursor) {
  const params = new URLSearchParams({limit: '25'});
  if (query) params.set('q', query);
  if (cursor) params.set('cursor', cursor);
  const data = await api('GET', '/users?' + params);
  const search = el('input', {type: 'search', id: 'users-search', placeholder: 'email or user id', value: query || ''});
  const rows = data.users.map(u => el('tr', {class: 'user-row'},
    el('td', {}, el('a', {href: '#user/' + encodeURIComponent(u.user_id), class: 'user-link', text: u.email || u.user_id})),
    el('td', {text: u.full_name}), el('td', {text: u.user_id}), el('td', {text: u.created_at})));
  page(
    el('h1', {text: 'Users'}),
    el('form', {class: 'toolbar', id: 'users-form', onsubmit: (event) => { event.preventDefault(); users(search.value.trim()).catch(failure); }},
      search, el('button', {type: 'submit', id: 'users-search-submit'}, 'Search')),
    el('table', {id: 'users'}, el('tr', {}, ['email', 'name', 'user id', 'registered'].map(h => el('th', {text: h}))), rows),
    data.users.length === 0 ? el('p', {class: 'muted', id: 'users-empty', text: 'No users match.'}) : null,
    data.next_cursor ? el('div', {class: 'toolbar'}, el('button', {type: 'button', id: 'users-next',
      onclick: () => users(query, data.next_cursor).catch(failure)}, 'Next page')) : null);
}

async function user(id) {
  const u = await api('GET', '/users/' + encodeURIComponent(id));
  const recordsBox = el('div', {id: 'user-records'});
  const filesBox = el('div', {id: 'user-files'});
  const confirmBox = el('div', {id: 'delete-confirm-box'});
  const counts = u.counts;
  const itemTotal = Object.values(counts.items).reduce((a, b) => a + b, 0);
  page(
    el('h1', {}, 'User ', el('span', {id: 'user-email', text: u.email || u.user_id})),
    el('div', {class: 'cards'}, el('div', {class: 'card', id: 'user-profile'}, el('h2', {text: 'Profile'}),
      dl([['user id', u.user_id, {id: 'user-id'}], ['email', u.email], ['name', u.full_name], ['registered', u.created_at],
        ['state', u.deletion ? 'deletion ' + u.deletion : (u.disabled ? 'disabled' : 'active'), {id: 'user-state'}],
        ['items', String(itemTotal), {id: 'user-item-count'}], ['files', counts.files + ' (' + bytes(counts.file_bytes) + ')', {id: 'user-file-count'}]]))),
    el('div', {class: 'toolbar'},
      u.disabled
        ? el('button', {type: 'button', id: 'enable-user', onclick: () => api('POST', '/users/' + encodeURIComponent(id) + '/enable').then(() => user(id)).catch(failure)}, 'Enable')
        : el('button', {type: 'button', id: 'disable-user', onclick: () => api('POST', '/users/' + encodeURIComponent(id) + '/disable').then(() => user(id)).catch(failure)}, 'Disable'),
      el('button', {type: 'button', class: 'danger', id: 'delete-user', onclick: () => confirmDelete(confirmBox, u)}, 'Delete user…')),
    confirmBox,
    el('h2', {text: 'Records'}), recordsBox,
    el('h2', {text: 'Files'}), filesBox);
  const collectionPicker = el('div', {class: 'toolbar'}, u.collections.map(c => el('button', {type: 'button', class: 'collection-tab',
    'data-collection': c, onclick: () => userRecords(recordsBox, collectionPicker, id, c).catch(failure)}, c + ' (' + counts.items[c] + ')')));
  recordsBox.append(collectionPicker);
  if (u.collections.length > 0) await userRecords(recordsBox, collectionPicker, id, u.collections[0]);
  else recordsBox.append(el('p', {class: 'muted', text: 'No collections are declared.'}));
  await userFiles(filesBox, id);
}

async function userRecords(box, picker, id, collection, cursor) {
  const params = new URLSearchParams({limit: '25'});
  if (cursor) params.set('cursor', cursor);
  const data = await api('GET', '/users/' + encodeURIComponent(id) + '/collections/' + encodeURIComponent(collection) + '/items?' + params);
  for (const tab of picker.children) tab.classList.toggle('primary', tab.dataset.collection === collection);
  fill(box, picker,
    el('table', {id: 'records-' + collection, class: 'records'}, el('tr', {}, el('th', {text: collection + ', newest first'})),
      data.items.map(item => el('tr', {class: 'record-row'}, el('td', {}, el('pre', {text: JSON.stringify(item)}))))),
    data.items.length === 0 ? el('p', {class: 'muted', text: 'No items.'}) : null,
    data.next_cursor ? el('button', {type: 'button', onclick: () => userRecords(box, picker, id, collection, data.next_cursor).catch(failure)}, 'Older items') : null);
}

async function userFiles(box, id, cursor) {
  const params = new URLSearchParams({limit: '25'});
  if (cursor) params.set('cursor', cursor);
  const data = await api('GET', '/users/' + encodeURIComponent(id) + '/files?' + params);
  const link = (path) => API + '/users/' + encodeURIComponent(id) + '/files/' + path.split('/').map(encodeURIComponent).join('/');
  fill(box,
    el('table', {id: 'files'}, el('tr', {}, ['name', 'size', 'type', 'modified', ''].map(h => el('th', {text: h}))),
      data.files.map(f => el('tr', {class: 'file-row'}, el('td', {text: f.path}), el('td', {text: bytes(f.size)}),
        el('td', {text: f.content_type}), el('td', {text: f.modified}),
        el('td', {}, el('a', {href: link(f.path), download: f.path.split('/').pop(), class: 'file-download'}, 'Download'))))),
    data.files.length === 0 ? el('p', {class: 'muted', text: 'No files.'}) : null,
    data.next_cursor ? el('button', {type: 'button', onclick: () => userFiles(box, id, data.next_cursor).catch(failure)}, 'More files') : null);
}

function confirmDelete(box, u) {
  const parts = Object.entries(u.counts.items).map(([c, n]) => n + ' item(s) in ' + c);
  parts.push(u.counts.files + ' file(s), ' + bytes(u.counts.file_bytes));
  fill(box, el('div', {class: 'confirm'},
    el('p', {id: 'delete-summary', text: 'Delete ' + (u.email || u.user_id) + ' and everything of theirs: ' + parts.join(', ') + '? This cannot be undone.'}),
    el('button', {type: 'button', class: 'danger', id: 'confirm-delete', onclick: async () => {
      try {
        const result = await api('DELETE', '/users/' + encodeURIComponent(u.user_id));
        const removed = result.deleted;
        page(el('h1', {text: 'User deleted'}),
          el('p', {id: 'delete-result', text: (u.email || u.user_id) + ' was deleted: ' +
            Object.entries(removed.items).map(([c, n]) => n + ' item(s) in ' + c).concat([removed.files + ' file(s)']).join(', ') + ' removed.'}),
          el('a', {href: '#users', text: 'Back to users'}));
      } catch (e) { failure(e); }
    }}, 'Delete for good'),
    ' ', el('button', {type: 'button', id: 'cancel-delete', onclick: () => fill(box)}, 'Cancel')));
}

// ---- Collections ----
async function collections() {
  const data = await api('GET', '/collections');
  const browseBox = el('div', {id: 'browse'});
  page(el('h1', {text: 'Collections'}),
    el('table', {id: 'collections'}, el('tr', {}, ['collection', 'table', 'keys', 'indexes', 'items', ''].map(h => el('th', {text: h}))),
      data.collections.map(c => el('tr', {}, el('td', {text: c.name}), el('td', {text: c.table + ' (' + (c.table_status || '?') + ')'}),
        el('td', {text: c.partition_key + ' / ' + c.sort_key + (c.ttl_attribute ? ', ttl ' + c.ttl_attribute : '')}),
        el('td', {text: c.indexes.map(i => i.name + ' (' + i.kind + ', ' + i.key + ')').join(', ') || '—'}),
        el('td', {text: c.item_count ?? '—'}),
        el('td', {}, el('button', {type: 'button', onclick: () => browse(browseBox, c.name).catch(failure)}, 'Browse'))))),
    data.collections.length === 0 ? el('p', {class: 'muted', text: 'No collections are declared in coffer.toml.'}) : null,
    browseBox);
}

async function browse(box, name, cursor) {
  const params = new URLSearchParams({limit: '25'});
  if (cursor) params.set('cursor', cursor);
  const data = await api('GET', '/collections/' + encodeURIComponent(name) + '/items?' + params);
  fill(box, el('h2', {text: name + ': items of every user'}),
    el('table', {}, el('tr', {}, el('th', {text: 'user'}), el('th', {text: 'item'})),
      data.items.map(item => el('tr', {}, el('td', {}, el('a', {href: '#user/' + encodeURIComponent(item.user_id), text: item.user_id})),
        el('td', {}, el('pre', {text: JSON.stringify(item, null, 2)}))))),
    data.next_cursor ? el('button', {type: 'button', onclick: () => browse(box, name, data.next_cursor).catch(failure)}, 'Next page') : null);
}

// ---- Activity ----
async function activity(statusClass) {
  const params = new URLSearchParams({limit: '200'});
  if (statusClass) params.set('status', statusClass);
  const data = await api('GET', '/activity?' + params);
  const filter = el('select', {id: 'activity-filter'}, ['', '2xx', '3xx', '4xx', '5xx'].map(c =>
    el('option', {value: c, selected: c === (statusClass || '')}, c || 'all')));
  filter.addEventListener('change', () => activity(filter.value).catch(failure));
  page(el('h1', {text: 'Activity'}),
    el('div', {class: 'toolbar'}, 'Status ', filter, el('span', {class: 'muted', text: 'the last ' + data.capacity + ' requests of this instance, newest first'})),
    el('table', {id: 'activity'}, el('tr', {}, ['time', 'status', 'method', 'route', 'ms', 'request id', 'user'].map(h => el('th', {text: h}))),
      data.requests.map(r => el('tr', {class: 'activity-row'}, el('td', {text: r.at}),
        el('td', {class: r.status >= 500 ? 'status-fail' : (r.status >= 400 ? 'status-warn' : ''), text: r.status}),
        el('td', {text: r.method}), el('td', {text: r.route || r.path}), el('td', {text: r.duration_ms}),
        el('td', {text: r.request_id}), el('td', {text: r.user_id || ''})))));
}

// ---- Routing and session ----
function route() {
  if (!csrfToken) return;
  clearInterval(countdownTimer);
  const hash = location.hash.replace(/^#/, '') || 'overview';
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('active', link.getAttribute('href') === '#' + hash.split('/')[0]);
  const [view, ...rest] = hash.split('/');
  const run = {overview: () => overview(), users: () => users(), user: () => user(decodeURIComponent(rest.join('/'))),
    collections: () => collections(), activity: () => activity()}[view] || overview;
  run().catch(failure);
}

function signedIn(session) {
  csrfToken = session.csrf_token;
  document.getElementById('whoami').textContent = session.admin.email;
  show('page');
  route();
}

async function start() {
  window.addEventListener('hashchange', route);
  document.getElementById('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = document.getElementById('login-error');
    error.textContent = '';
    try {
      signedIn(await api('POST', '/session', {email: document.getElementById('login-email').value,
        password: document.getElementById('login-password').value}));
    } catch (e) { error.textContent = e.message; }
  });
  document.getElementById('logout').addEventListener('click', async () => {
    try { await api('DELETE', '/session'); } catch (e) { /* ended already */ }
    csrfToken = null;
    clearInterval(countdownTimer);
    document.getElementById('page').replaceChildren();
    show('login');
  });
  const setup = await (await fetch(API + '/setup')).json();
  if (!setup.admin_exists) {
    document.getElementById('setup-command').textContent = setup.create_command;
    show('setup');
    return;
  }
  const response = await fetch(API + '/session', {credentials: 'same-origin'});
  if (response.ok) signedIn(await response.json());
  else show('login');
}

document.addEventListener('DOMContentLoaded', () => start().catch(e => {
  document.getElementById('login-error').textContent = e.message;
  show('login');
}));
