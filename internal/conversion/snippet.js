/*
 * Herald conversion snippet. Include it on your website with
 *
 *   <script async src="https://HERALD/c.js" data-site="SITE_KEY" data-window="7"></script>
 *   <script>window.herald=window.herald||function(){var a=arguments;return new Promise(function(y,n){(herald.q=herald.q||[]).push([a,y,n])})};</script>
 *
 * (the second line lets the page call herald() before the script has
 * loaded). When a visitor arrives through one of your tracked links, the address
 * carries ?hclid=…; the snippet keeps it in this site's own storage for the
 * attribution window. When the visitor converts, call
 *
 *   herald('conversion', {id: 'order-1042', name: 'purchase', value: 49.9, currency: 'EUR'})
 *
 * which sends the conversion to Herald and returns a promise of Herald's
 * answer ({status, attribution, reason}). id is your own ID for the event:
 * sending it again is counted once. Nothing else is collected.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) {
    return;
  }
  var KEY = "herald_hclid";
  var site = script.getAttribute("data-site") || "";
  var days = parseInt(script.getAttribute("data-window") || "7", 10);
  if (!(days >= 1 && days <= 90)) {
    days = 7;
  }
  var endpoint = new URL("/c/collect", script.src).href + "?site=" + encodeURIComponent(site);

  function remember(id) {
    var until = Date.now() + days * 86400000;
    try {
      localStorage.setItem(KEY, JSON.stringify({ id: id, until: until }));
    } catch (e) {
      /* storage blocked: the cookie below still holds it */
    }
    document.cookie = KEY + "=" + encodeURIComponent(id) + "; max-age=" + days * 86400 + "; path=/; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
  }

  function recall() {
    try {
      var v = JSON.parse(localStorage.getItem(KEY) || "null");
      if (v && typeof v.id === "string" && v.until > Date.now()) {
        return v.id;
      }
    } catch (e) {
      /* fall back to the cookie */
    }
    var m = document.cookie.match(/(?:^|;\s*)herald_hclid=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function randomID() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  var landed = new URLSearchParams(location.search).get("hclid");
  if (landed && /^[0-9a-z-]{1,64}$/.test(landed)) {
    remember(landed); // the latest visit through a link wins
  }

  function conversion(data) {
    data = data || {};
    var body = {
      event_id: String(data.id || randomID()),
      name: data.name,
      value: data.value,
      currency: data.currency,
      click_id: recall() || undefined
    };
    // text/plain keeps this a simple request: no CORS preflight.
    return fetch(endpoint, {
      method: "POST", mode: "cors", credentials: "omit", keepalive: true,
      headers: { "Content-Type": "text/plain" }, body: JSON.stringify(body)
    }).then(function (r) { return r.json(); });
  }

  function herald(command, data) {
    if (command === "conversion") {
      return conversion(data);
    }
    return Promise.reject(new Error("herald: unknown command " + command));
  }

  // Calls made before this script loaded wait in the stub's queue as
  // [arguments, resolve, reject]; their promises settle now.
  var queued = (window.herald && window.herald.q) || [];
  window.herald = herald;
  for (var i = 0; i < queued.length; i++) {
    herald.apply(null, queued[i][0]).then(queued[i][1], queued[i][2]);
  }
})();
