/*
 * The vDPA tab: draws the bus from state.json, then keeps it live from the server-sent events of
 * events.stream ("bus" after every bus event, "rates" once a second). Actions POST to action.json
 * with the session's CSRF token. Everything is built with DOM calls and textContent: names coming
 * from the bus are never parsed as HTML.
 */
(function () {
  'use strict';
  var root = document.getElementById('vdpa');
  // absolute, and without the user:password@ a login URL may carry: fetch refuses URLs with credentials
  var base = location.protocol + '//' + location.host + root.getAttribute('data-base');
  var csrf = root.getAttribute('data-csrf');
  var errorLine = document.getElementById('vdpa-error');
  var current = null;       // the last picture
  var rowJson = {};         // device name -> the JSON its row was drawn from
  var rates = {};

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function table(id, headers) {
    var t = el('table', {'class': 'vdpa nicetable', id: id});
    var tr = el('tr');
    headers.forEach(function (h) { tr.appendChild(el('th', null, h)); });
    t.appendChild(el('thead')).appendChild(tr);
    t.appendChild(el('tbody'));
    return t;
  }

  var status = el('p', {'class': 'vdpa-status', id: 'vdpa-status'}, 'connecting');
  var mgmtTable = table('vdpa-mgmtdevs', ['management device', 'classes', 'max vqs', 'devices']);
  var driverTable = table('vdpa-drivers', ['driver', 'ranking', 'bundle', 'devices']);
  var deviceTable = table('vdpa-devices', ['device', 'type', 'mgmtdev', 'state', 'driver', 'why', 'override',
    'class service', 'rates (pkt/s, byte/s)', 'actions']);
  var addForm = el('form', {'class': 'inline', id: 'vdpa-add'});
  var addName = el('input', {name: 'device', placeholder: 'new device name', size: '14', id: 'vdpa-add-name'});
  var addMgmt = el('select', {name: 'mgmtdev', id: 'vdpa-add-mgmtdev'});
  addForm.appendChild(addName);
  addForm.appendChild(addMgmt);
  addForm.appendChild(el('button', {type: 'submit', id: 'vdpa-add-button'}, 'dev add'));
  addForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    act({action: 'add', device: addName.value, mgmtdev: addMgmt.value});
  });

  root.appendChild(status);
  root.appendChild(el('h3', null, 'Management devices'));
  root.appendChild(mgmtTable);
  root.appendChild(addForm);
  root.appendChild(el('h3', null, 'Devices'));
  root.appendChild(deviceTable);
  root.appendChild(el('h3', null, 'Drivers'));
  root.appendChild(driverTable);

  function act(params) {
    var body = new URLSearchParams(params);
    return fetch(base + '/action.json', {
      method: 'POST', credentials: 'same-origin', body: body,
      headers: {'X-Vdpa-Csrf': csrf}
    }).then(function (r) { return r.json(); }).then(function (j) {
      errorLine.textContent = j.error ? j.error : '';
      if (j.ok) { status.textContent = j.ok; }
    }).catch(function (e) { errorLine.textContent = 'request failed: ' + e; });
  }

  function fill(tbody, rows) {
    while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
    rows.forEach(function (r) { tbody.appendChild(r); });
  }

  function classText(list) {
    return list.map(function (c) {
      if (c.kind === 'vhost') { return 'vhost ' + c.socket; }
      if (c.kind === 'passthrough') { return 'passthrough ' + c.path; }
      return c.kind + ' ' + c.name;
    }).join(', ');
  }

  function driverSelect(name, withNone) {
    var s = el('select', {name: name});
    if (withNone) { s.appendChild(el('option', {value: ''}, 'none')); }
    (current ? current.drivers : []).forEach(function (d) {
      s.appendChild(el('option', {value: d.name}, d.name));
    });
    return s;
  }

  function button(text, cls, onClick) {
    var b = el('button', {type: 'button', 'class': cls}, text);
    b.addEventListener('click', onClick);
    return b;
  }

  function deviceRow(d) {
    var tr = el('tr', {'data-device': d.name});
    tr.appendChild(el('td', {'class': 'name'}, d.name));
    tr.appendChild(el('td', {'class': 'type'}, d.type));
    tr.appendChild(el('td', {'class': 'mgmtdev'}, d.mgmtdev || ''));
    var st = el('td', {'class': 'state'});
    st.appendChild(el('span', {'class': 'badge st-' + d.state}, d.state));
    tr.appendChild(st);
    tr.appendChild(el('td', {'class': 'driver'}, d.driver || ''));
    tr.appendChild(el('td', {'class': 'why'}, d.why + (d.displacedFrom ? ' (left ' + d.displacedFrom + ')' : '')));
    tr.appendChild(el('td', {'class': 'override'}, d.override || ''));
    tr.appendChild(el('td', {'class': 'class'}, classText(d['class'])));
    var plot = el('td', {'class': 'plot'});
    tr.appendChild(plot);
    drawPlot(plot, rates[d.name]);
    var actions = el('td', {'class': 'actions'});
    var bindTo = driverSelect('driver', false);
    bindTo.className = 'bind-driver';
    actions.appendChild(bindTo);
    actions.appendChild(button('bind', 'bind', function () { act({action: 'bind', device: d.name, driver: bindTo.value}); }));
    actions.appendChild(button('unbind', 'unbind', function () { act({action: 'unbind', device: d.name}); }));
    var ov = driverSelect('override', true);
    ov.className = 'override-driver';
    actions.appendChild(ov);
    actions.appendChild(button('override', 'override', function () { act({action: 'override', device: d.name, driver: ov.value}); }));
    actions.appendChild(button('dev del', 'del', function () { act({action: 'del', device: d.name}); }));
    tr.appendChild(actions);
    return tr;
  }

  function render(p) {
    var driversChanged = !current || JSON.stringify(current.drivers) !== JSON.stringify(p.drivers);
    current = p;
    fill(mgmtTable.tBodies[0], p.mgmtdevs.map(function (m) {
      var tr = el('tr', {'data-mgmtdev': m.handle});
      tr.appendChild(el('td', null, m.handle));
      tr.appendChild(el('td', null, m.classes.join(', ')));
      tr.appendChild(el('td', null, m.maxVqs));
      tr.appendChild(el('td', null, m.devices.join(', ')));
      return tr;
    }));
    var chosen = addMgmt.value;
    fill(addMgmt, p.mgmtdevs.map(function (m) { return el('option', {value: m.handle}, m.handle); }));
    if (chosen) { addMgmt.value = chosen; }
    fill(driverTable.tBodies[0], p.drivers.map(function (d) {
      var tr = el('tr', {'data-driver': d.name});
      tr.appendChild(el('td', {'class': 'name'}, d.name));
      tr.appendChild(el('td', null, d.ranking));
      tr.appendChild(el('td', null, d.bundleId));
      tr.appendChild(el('td', {'class': 'devices'}, d.devices.join(', ')));
      return tr;
    }));
    // rows are redrawn only when their device changed, so a choice being made in another row stays
    var tbody = deviceTable.tBodies[0];
    var seen = {};
    var rows = [];
    p.devices.forEach(function (d) {
      var j = JSON.stringify(d);
      seen[d.name] = true;
      var old = tbody.querySelector('tr[data-device="' + CSS.escape(d.name) + '"]');
      if (old && rowJson[d.name] === j && !driversChanged) { rows.push(old); return; }
      rowJson[d.name] = j;
      rows.push(deviceRow(d));
    });
    Object.keys(rowJson).forEach(function (n) { if (!seen[n]) { delete rowJson[n]; } });
    fill(tbody, rows);
  }

  function human(v) {
    if (v >= 1e9) { return (v / 1e9).toFixed(1) + 'G'; }
    if (v >= 1e6) { return (v / 1e6).toFixed(1) + 'M'; }
    if (v >= 1e3) { return (v / 1e3).toFixed(1) + 'k'; }
    return Math.round(v).toString();
  }

  function polyline(values, cls, w, h) {
    var max = Math.max.apply(null, values.concat([1]));
    var n = 60;
    var pts = values.map(function (v, i) {
      var x = w - (values.length - 1 - i) * (w / (n - 1));
      return x.toFixed(1) + ',' + (h - 1 - (v / max) * (h - 3)).toFixed(1);
    });
    var pl = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    pl.setAttribute('class', cls);
    pl.setAttribute('points', pts.join(' '));
    return pl;
  }

  function drawPlot(td, r) {
    while (td.firstChild) { td.removeChild(td.firstChild); }
    var w = 120, h = 28;
    var svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('class', 'plot');
    svg.setAttribute('width', w);
    svg.setAttribute('height', h);
    td.appendChild(svg);
    if (!r) { td.appendChild(el('span', {'class': 'rate'}, 'no counters')); return; }
    svg.appendChild(polyline(r.pps, 'pps', w, h));
    svg.appendChild(polyline(r.bps, 'bps', w, h));
    var last = r.pps.length - 1;
    td.appendChild(el('span', {'class': 'rate'}, human(r.pps[last]) + ' pkt/s, ' + human(r.bps[last]) + 'B/s'));
  }

  function drawRates(r) {
    rates = r;
    Array.prototype.forEach.call(deviceTable.tBodies[0].rows, function (tr) {
      drawPlot(tr.querySelector('td.plot'), rates[tr.getAttribute('data-device')]);
    });
  }

  // the stream's first frame is the picture too: state.json only fills the page until it comes, and
  // a late answer never draws over a newer picture from the stream
  var streamed = false;
  fetch(base + '/state.json', {credentials: 'same-origin'}).then(function (r) { return r.json(); }).then(function (s) {
    if (!streamed) {
      rates = s.rates;
      render(s.bus);
    }
  });
  var events = new EventSource(base + '/events.stream');
  events.addEventListener('open', function () { status.textContent = 'live'; });
  events.addEventListener('error', function () { status.textContent = 'reconnecting'; });
  events.addEventListener('bus', function (e) { streamed = true; render(JSON.parse(e.data)); });
  events.addEventListener('rates', function (e) { drawRates(JSON.parse(e.data)); });
})();
