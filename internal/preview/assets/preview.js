// postbud preview: renders the letter again when the case data is edited, the language changed
// or (told by the server's event stream) a file of the bundle changed on disk.
(function () {
  'use strict';
  var main = document.getElementById('preview');
  if (!main) return;
  var bundle = main.dataset.bundle;
  var lang = main.dataset.lang;
  var data = document.getElementById('data');
  var edited = false;
  var asked = 0;
  var typing = 0;

  function setEdited(on) {
    edited = on;
    document.getElementById('edited').hidden = !on;
  }

  // refresh asks the server for the letter and puts it in the page; an answer to an older
  // request than the last one is dropped.
  function refresh() {
    var n = ++asked;
    var body = new URLSearchParams();
    body.set('lang', lang);
    if (edited) body.set('data', data.value);
    fetch('/b/' + encodeURIComponent(bundle) + '/render', { method: 'POST', body: body })
      .then(function (resp) {
        if (!resp.ok) return resp.text().then(function (t) { throw new Error(t); });
        return resp.json();
      })
      .then(function (a) {
        if (n !== asked) return;
        document.getElementById('letter').innerHTML = a.letter;
        document.getElementById('side').innerHTML = a.side;
        lang = a.lang;
        if (!edited && typeof a.sample === 'string' && data.value !== a.sample) data.value = a.sample;
        fit();
      })
      .catch(function (err) {
        if (n !== asked) return;
        var box = document.createElement('div');
        box.className = 'error-box';
        box.setAttribute('role', 'alert');
        box.textContent = 'The preview server did not answer: ' + err.message;
        var letter = document.getElementById('letter');
        letter.insertBefore(box, letter.firstChild);
      });
  }

  // fit stretches each word of the text layer to the width of its box in the PDF, so that a
  // selection covers the word in the page image.
  function fit() {
    var spans = document.querySelectorAll('.page .text span');
    var widths = [];
    for (var i = 0; i < spans.length; i++) widths.push(spans[i].getBoundingClientRect().width);
    for (var j = 0; j < spans.length; j++) {
      var want = parseFloat(spans[j].style.width);
      if (widths[j] > 0 && want > 0) spans[j].style.transform = 'scaleX(' + (want / widths[j]).toFixed(3) + ')';
    }
  }

  data.addEventListener('input', function () {
    setEdited(true);
    clearTimeout(typing);
    typing = setTimeout(refresh, 500);
  });
  data.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      clearTimeout(typing);
      refresh();
    }
  });
  document.getElementById('apply').addEventListener('click', function () {
    clearTimeout(typing);
    setEdited(true);
    refresh();
  });
  document.getElementById('reset').addEventListener('click', function () {
    clearTimeout(typing);
    setEdited(false);
    refresh();
  });
  document.addEventListener('change', function (e) {
    if (e.target && e.target.id === 'lang') {
      lang = e.target.value;
      history.replaceState(null, '', '?lang=' + encodeURIComponent(lang));
      refresh();
    }
  });
  // A problem about the case data selects the place in the text it is about.
  document.addEventListener('click', function (e) {
    var item = e.target.closest && e.target.closest('.item[data-line]');
    if (!item) return;
    var line = parseInt(item.dataset.line, 10), col = parseInt(item.dataset.col, 10);
    var lines = data.value.split('\n');
    var at = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
    at += col - 1;
    data.focus();
    data.setSelectionRange(at, at + 1);
  });

  var conn = document.getElementById('conn');
  var boot = main.dataset.boot;
  var seen = null;
  var events = new EventSource('/events');
  events.addEventListener('hello', function (e) {
    conn.textContent = 'live';
    conn.className = 'conn live';
    var hello = JSON.parse(e.data);
    // After a reconnect the files may have changed while no events came, or the server may have
    // started again, its renders numbered anew.
    if (hello.boot !== boot || (seen !== null && seen !== hello.gen)) refresh();
    boot = hello.boot;
    seen = hello.gen;
  });
  events.addEventListener('render', function (e) {
    seen = JSON.parse(e.data).gen;
    refresh();
  });
  events.onerror = function () {
    conn.textContent = 'not following changes: reconnecting…';
    conn.className = 'conn down';
  };
  fit();
})();
