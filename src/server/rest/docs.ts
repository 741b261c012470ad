/**
 * The API docs page (`/docs`): a small, self-contained renderer of the OpenAPI document in the
 * Swagger UI manner (operations by tag, parameters, schemas, responses, "try it"), with no
 * assets fetched from anywhere but this server.
 */
export function docsPage(specUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Flash sale API</title>
<style>
  :root { --get:#2f7fdc; --post:#2a9d5c; --put:#c98a12; --delete:#d64545; --border:#d9dde3; --muted:#5b6470; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, -apple-system, Segoe UI, Roboto, sans-serif; color: #1d232b; background: #f6f7f9; }
  header { background: #1d232b; color: #fff; padding: 18px 28px; }
  header h1 { margin: 0 0 4px; font-size: 22px; }
  header p { margin: 0; color: #c3c9d1; max-width: 960px; }
  header a { color: #9cc7ff; }
  main { max-width: 1100px; margin: 0 auto; padding: 20px 28px 60px; }
  .auth { display: flex; gap: 8px; align-items: center; margin: 0 0 18px; }
  .auth input { flex: 1; }
  h2 { margin: 28px 0 8px; font-size: 18px; }
  h2 small { color: var(--muted); font-weight: normal; font-size: 13px; margin-left: 8px; }
  details.op { background: #fff; border: 1px solid var(--border); border-radius: 6px; margin: 8px 0; }
  details.op > summary { display: flex; gap: 12px; align-items: center; padding: 8px 12px; cursor: pointer; list-style: none; }
  details.op > summary::-webkit-details-marker { display: none; }
  .m { min-width: 64px; text-align: center; color: #fff; font-weight: 700; border-radius: 4px; padding: 3px 0; font-size: 12px; }
  .m.get { background: var(--get); } .m.post { background: var(--post); } .m.put { background: var(--put); } .m.delete { background: var(--delete); }
  .path { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-weight: 600; }
  .sum { color: var(--muted); }
  .lock { margin-left: auto; font-size: 12px; color: var(--muted); }
  .body { border-top: 1px solid var(--border); padding: 10px 14px 14px; }
  table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
  th, td { text-align: left; border-bottom: 1px solid #eceef1; padding: 5px 6px; vertical-align: top; }
  th { font-size: 12px; color: var(--muted); font-weight: 600; }
  code, pre, input, textarea { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
  pre { background: #f3f5f8; border: 1px solid #e4e7eb; border-radius: 4px; padding: 8px; overflow: auto; max-height: 340px; margin: 4px 0 10px; }
  input, textarea { width: 100%; border: 1px solid var(--border); border-radius: 4px; padding: 5px 7px; }
  textarea { min-height: 90px; }
  button { background: #1d232b; color: #fff; border: 0; border-radius: 4px; padding: 6px 14px; cursor: pointer; }
  .status { font-weight: 700; }
  .err { color: var(--delete); }
  h4 { margin: 12px 0 4px; font-size: 13px; }
</style>
</head>
<body>
<header>
  <h1 id="title">Flash sale API</h1>
  <p id="desc">Loading <a href="${specUrl}">${specUrl}</a> ...</p>
</header>
<main>
  <div class="auth"><label for="token">Bearer token</label><input id="token" placeholder="from POST /auth/sign-in (admin endpoints)"></div>
  <div id="ops"></div>
</main>
<script>
(function () {
  var SPEC = ${JSON.stringify(specUrl)};
  var el = function (tag, attrs, kids) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) { if (k === 'text') e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]); }
    (kids || []).forEach(function (c) { if (c) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  };
  var pretty = function (v) { return JSON.stringify(v, null, 2); };
  var resolve = function (spec, s) {
    if (s && s.$ref) { var name = s.$ref.split('/').pop(); return spec.components.schemas[name]; }
    return s;
  };
  var example = function (s) {
    if (!s) return null;
    if (s.default !== undefined) return s.default;
    if (s.enum) return s.enum[0];
    if (s.anyOf) return example(s.anyOf[0]);
    if (s.type === 'object') {
      var o = {};
      for (var k in s.properties || {}) if (!s.required || s.required.indexOf(k) >= 0) o[k] = example(s.properties[k]);
      return o;
    }
    if (s.type === 'array') return [];
    if (s.type === 'integer' || s.type === 'number') return s.minimum !== undefined ? s.minimum : 1;
    if (s.type === 'boolean') return true;
    if (s.format === 'date-time') return new Date(Date.now() + 60000).toISOString();
    if (s.format === 'email') return 'buyer@example.com';
    if (s.pattern === '^[a-f0-9]{24}$') return '0123456789abcdef01234567';
    return 'string';
  };
  var tokenInput = document.getElementById('token');
  tokenInput.value = sessionStorage.getItem('fs-token') || '';
  tokenInput.addEventListener('change', function () { sessionStorage.setItem('fs-token', tokenInput.value.trim()); });

  function operation(spec, path, method, op) {
    var params = op.parameters || [];
    var body = op.requestBody && op.requestBody.content['application/json'].schema;
    var inputs = {};
    var kids = [];
    if (op.description) kids.push(el('p', { text: op.description }));
    if (params.length) {
      var rows = params.map(function (p) {
        var input = el('input', { placeholder: p.schema && p.schema.type || '' });
        inputs[p.name] = { p: p, input: input };
        return el('tr', {}, [el('td', {}, [el('code', { text: p.name + (p.required ? ' *' : '') })]), el('td', { text: p.in }),
          el('td', {}, [el('code', { text: JSON.stringify(p.schema) })]), el('td', {}, [input])]);
      });
      kids.push(el('h4', { text: 'Parameters' }), el('table', {}, [el('tr', {}, ['name', 'in', 'schema', 'value'].map(function (h) { return el('th', { text: h }); }))].concat(rows)));
    }
    var bodyInput;
    if (body) {
      bodyInput = el('textarea');
      bodyInput.value = pretty(example(body));
      kids.push(el('h4', { text: 'Request body (application/json)' }), el('pre', { text: pretty(body) }), bodyInput);
    }
    var out = el('div');
    var send = el('button', { text: 'Try it' });
    send.addEventListener('click', function () {
      var url = path;
      var qs = [];
      for (var name in inputs) {
        var v = inputs[name].input.value.trim();
        if (!v) continue;
        if (inputs[name].p.in === 'path') url = url.replace('{' + name + '}', encodeURIComponent(v));
        else qs.push(encodeURIComponent(name) + '=' + encodeURIComponent(v));
      }
      if (qs.length) url += '?' + qs.join('&');
      var headers = {};
      if (body) headers['content-type'] = 'application/json';
      if (tokenInput.value.trim()) headers.authorization = 'Bearer ' + tokenInput.value.trim();
      var t0 = performance.now();
      out.textContent = '...';
      fetch(url, { method: method.toUpperCase(), headers: headers, body: body ? bodyInput.value : undefined })
        .then(function (r) { return r.text().then(function (t) { return { r: r, t: t }; }); })
        .then(function (x) {
          var text = x.t;
          try { text = pretty(JSON.parse(x.t)); } catch (e) {}
          out.replaceChildren(el('div', {}, [el('span', { class: 'status' + (x.r.ok ? '' : ' err'), text: x.r.status + ' ' + x.r.statusText }),
            ' in ' + Math.round(performance.now() - t0) + ' ms: ' + method.toUpperCase() + ' ' + url]), el('pre', { text: text }));
        })
        .catch(function (e) { out.replaceChildren(el('pre', { class: 'err', text: String(e) })); });
    });
    kids.push(el('p', {}, [send]), out, el('h4', { text: 'Responses' }));
    var rrows = Object.keys(op.responses).map(function (code) {
      var r = op.responses[code];
      var s = r.content && resolve(spec, r.content['application/json'].schema);
      var d = el('details', {}, [el('summary', { text: 'schema' }), el('pre', { text: pretty(s) })]);
      return el('tr', {}, [el('td', {}, [el('code', { text: code })]), el('td', { text: r.description }), el('td', {}, [s ? d : ''])]);
    });
    kids.push(el('table', {}, [el('tr', {}, ['status', 'meaning', ''].map(function (h) { return el('th', { text: h }); }))].concat(rrows)));
    return el('details', { class: 'op', id: op.operationId }, [
      el('summary', {}, [el('span', { class: 'm ' + method, text: method.toUpperCase() }), el('span', { class: 'path', text: path }),
        el('span', { class: 'sum', text: op.summary || '' }), op.security ? el('span', { class: 'lock', text: 'admin token' }) : null]),
      el('div', { class: 'body' }, kids)]);
  }

  fetch(SPEC).then(function (r) { return r.json(); }).then(function (spec) {
    document.getElementById('title').textContent = spec.info.title + ' ' + spec.info.version;
    document.title = spec.info.title;
    var d = document.getElementById('desc');
    d.textContent = spec.info.description + ' ';
    d.appendChild(el('a', { href: SPEC, text: 'OpenAPI ' + spec.openapi + ' document' }));
    var root = document.getElementById('ops');
    (spec.tags || []).forEach(function (tag) {
      var section = [el('h2', {}, [tag.name, el('small', { text: tag.description || '' })])];
      for (var path in spec.paths) for (var method in spec.paths[path]) {
        var op = spec.paths[path][method];
        if ((op.tags || []).indexOf(tag.name) >= 0) section.push(operation(spec, path, method, op));
      }
      if (section.length > 1) section.forEach(function (n) { root.appendChild(n); });
    });
  }).catch(function (e) {
    document.getElementById('desc').textContent = 'Could not load ' + SPEC + ': ' + e;
  });
})();
</script>
</body>
</html>
`;
}
