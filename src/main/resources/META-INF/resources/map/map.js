/* Circles community map: draws the maps API with Cytoscape.js. Holds no data of its own; every call sends the
   signed-in bearer token, kept in sessionStorage (this tab only). Text from the API is only ever set as textContent. */
(function () {
  'use strict';

  var API = '/api/v1';
  var TOKEN_KEY = 'circles.token';
  /** Above this many contacts the page draws communities as nodes instead (the API bounds maps at the same size). */
  var MAX_DRAWN = 2000;
  var TIE_TYPES = ['FAMILY_OF', 'CARES_FOR', 'FRIEND_OF', 'NEIGHBOR_OF', 'TREATS', 'REFERS_TO', 'COLLEAGUE_OF',
    'MEMBER_OF', 'WORKS_AT', 'LEADS', 'FOLLOWS_ONLINE'];
  var KINDS = ['PATIENT', 'CAREGIVER', 'FAMILY', 'PHYSICIAN', 'NURSE', 'OTHER_CLINICIAN', 'COMMUNITY_LEADER',
    'ORGANIZATION'];
  // Colour-blind-safe hues (Okabe–Ito and Tol), dark enough for white outlines on white paper.
  var KIND_COLOURS = {
    PATIENT: '#0072B2', CAREGIVER: '#E69F00', FAMILY: '#CC79A7', PHYSICIAN: '#009E73', NURSE: '#56B4E9',
    OTHER_CLINICIAN: '#117733', COMMUNITY_LEADER: '#D55E00', ORGANIZATION: '#6B6B6B', COMMUNITY: '#332288'
  };
  var PALETTE = ['#332288', '#117733', '#44AA99', '#88CCEE', '#DDCC77', '#CC6677', '#AA4499', '#882255',
    '#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#999933', '#661100'];

  var state = {
    token: null, claims: null, role: null,
    centre: null,          // {id, name} of the chosen contact
    view: 'rings',         // rings | community | overview
    map: null,             // the last map document drawn
    mapUrl: null,          // the API address it came from (GraphML export asks it again)
    hiddenKinds: {},
    names: {},             // community id -> name (generated, or chosen by staff)
    communityId: null,     // the community drawn on its own (community view), if any
    level: 0,
    levels: 1
  };
  var cy = null;
  var api = window.circlesMap = { state: state, renders: 0, lastRender: null, cy: null };
  /**
   * Counts sign-ins and sign-outs. A request remembers the count it was sent under; an answer arriving after it
   * changed belongs to someone no longer signed in, and is dropped (see call()).
   */
  var generation = 0;

  function $(id) { return document.getElementById(id); }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }

  function setNote(text) { $('note').textContent = text || ''; }

  // ---- Tokens ---------------------------------------------------------------------------------------------------

  /** The token's claims, read without verifying (the API verifies); null when it is not a JWT. */
  function claimsOf(token) {
    var parts = token.split('.');
    if (parts.length !== 3) { return null; }
    try {
      var b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
      while (b64.length % 4) { b64 += '='; }
      var text = decodeURIComponent(Array.prototype.map.call(atob(b64), function (c) {
        return '%' + ('00' + c.charCodeAt(0).toString(16)).slice(-2);
      }).join(''));
      return JSON.parse(text);
    } catch (e) {
      return null;
    }
  }

  function roleOf(claims) {
    var groups = (claims && (claims.groups || (claims.realm_access && claims.realm_access.roles))) || [];
    var order = ['admin', 'clinician', 'analyst', 'outreach', 'integration'];
    for (var i = 0; i < order.length; i++) {
      if (groups.indexOf(order[i]) >= 0) { return order[i]; }
    }
    return groups[0] || 'unknown';
  }

  /**
   * Back to the sign-in form with nothing of the session left in the page (see forget()): whoever signs in next, with
   * whatever token and role, starts from an empty page.
   */
  function signedOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    forget();
    $('app').hidden = true;
    $('signin-view').hidden = false;
    $('signout').hidden = true;
    $('who').textContent = '';
    $('signin-message').textContent = message || '';
    $('panel').hidden = true;
    document.body.dataset.state = 'signed-out';
    $('token-input').focus();
  }

  /**
   * Drops every trace of the session: the token and its claims, the drawing, the page's state (window.circlesMap
   * shows it), what the panel, legend, notes and lists showed, the search and its suggestions, the controls (back to
   * how the page opened) and the exports; answers to requests already sent become stale. Contact details (phone,
   * e-mail, address) must not wait in a hidden panel or a drawn label for the next person at this screen.
   */
  function forget() {
    generation += 1;
    clearTimeout(searchTimer);
    clearTimeout(declutterTimer);
    searchSeq += 1;
    options = [];
    state.token = null;
    state.claims = null;
    state.role = null;
    state.centre = null;
    state.view = 'rings';
    state.map = null;
    state.mapUrl = null;
    state.hiddenKinds = {};
    state.names = {};
    state.communityId = null;
    state.level = 0;
    state.levels = 1;
    slots = {};
    if (cy) {
      cy.stop();
      cy.elements().remove();
      cy.reset();
    }
    api.lastRender = null;
    api.labels = 0;
    ['panel-title', 'panel-body', 'legend', 'note', 'bridges-list', 'search-results', 'howto-body'].forEach(function (id) {
      $(id).textContent = '';
    });
    delete $('panel-body').dataset.contact;
    delete $('panel-body').dataset.community;
    $('panel').hidden = true;
    $('bridges').hidden = true;
    $('howto').open = false;
    closeResults();
    document.querySelectorAll('#app input, #app select').forEach(function (f) {
      if (f.type === 'checkbox' || f.type === 'radio') {
        f.checked = f.defaultChecked;
      } else if (f.tagName === 'SELECT') {
        Array.prototype.forEach.call(f.options, function (o) { o.selected = o.defaultSelected; });
      } else {
        f.value = f.defaultValue;
      }
    });
    $('min-strength-value').textContent = parseFloat($('min-strength').value).toFixed(2);
    fillLevels();
    syncViewRadios();
    ['png-button', 'svg-button', 'graphml-button'].forEach(function (b) { $(b).disabled = true; });
    updateSelection();
  }

  function signIn(token) {
    token = (token || '').trim().replace(/^Bearer\s+/i, '');
    if (!token) {
      signedOut('No token: paste the access token you were given, then choose Sign in.');
      return Promise.resolve(false);
    }
    var claims = claimsOf(token);
    if (!claims) {
      signedOut('That is not an access token (a token has three parts separated by dots). Paste it again.');
      return Promise.resolve(false);
    }
    if (claims.exp && claims.exp * 1000 < Date.now()) {
      signedOut('This token expired on ' + new Date(claims.exp * 1000).toLocaleString()
        + '. Ask for a new one and paste it here.');
      return Promise.resolve(false);
    }
    // A new session starts empty even when no one signed out (a development token taken over a live one).
    forget();
    state.token = token;
    // One cheap call proves the server accepts the token before the page opens. It reads the relationship types,
    // which every role may read and which hold no one's data: a contact listing would name a real contact in the audit
    // trail at every sign-in and reload.
    return call('GET', API + '/relationship-types?limit=1').then(function () {
      sessionStorage.setItem(TOKEN_KEY, token);
      state.claims = claims;
      state.role = roleOf(claims);
      $('token-input').value = '';
      $('signin-message').textContent = '';
      $('signin-view').hidden = true;
      $('app').hidden = false;
      $('signout').hidden = false;
      var until = claims.exp ? ' until ' + new Date(claims.exp * 1000).toLocaleTimeString() : '';
      $('who').textContent = 'Signed in as ' + (claims.upn || claims.sub || 'unknown') + ' (' + state.role + ')' + until;
      document.body.dataset.state = 'signed-in';
      ensureCy();
      $('search-input').focus();
      return true;
    }, function (err) {
      if (!err || err.status !== 401) {
        signedOut('The server could not check the token' + (err && err.message ? ': ' + err.message : '') + '.');
      }
      return false;
    });
  }

  /** Offers development tokens only when this server issues them (the run command on a workstation). */
  function probeDevTokens() {
    fetch(API + '/dev/tokens?role=', { method: 'POST' }).then(function (r) {
      $('dev-tokens').hidden = r.status === 404;
    }, function () { /* no dev tokens */ });
  }

  function devToken() {
    var role = $('dev-role').value;
    fetch(API + '/dev/tokens?role=' + encodeURIComponent(role), { method: 'POST' }).then(function (r) {
      if (!r.ok) { throw new Error('status ' + r.status); }
      return r.json();
    }).then(function (body) { return signIn(body.token); }, function (e) {
      $('signin-message').textContent = 'No development token: ' + e.message;
    });
  }

  // ---- API calls ------------------------------------------------------------------------------------------------

  /**
   * One API call with the session's token. Its answer is dropped if the session ended (or another began) while it
   * was on its way: it rejects as stale, with status 401, which every caller already leaves to the sign-in form. A
   * late 401 of the old token must not sign out whoever signed in since.
   */
  function call(method, url, body, accept, extra) {
    if (!state.token) {
      signedOut('You are not signed in: paste a token first.');
      return Promise.reject({ status: 401, message: 'not signed in' });
    }
    var sent = generation;
    var stale = function () { return { status: 401, stale: true, message: 'signed out meanwhile' }; };
    var headers = { 'Authorization': 'Bearer ' + state.token, 'Accept': accept || 'application/json' };
    if (body !== undefined) { headers['Content-Type'] = 'application/json'; }
    Object.keys(extra || {}).forEach(function (k) { headers[k] = extra[k]; });
    return fetch(url, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) {
        if (sent !== generation) { throw stale(); }
        if (r.status === 401) {
          var expired = state.claims && state.claims.exp && state.claims.exp * 1000 < Date.now();
          signedOut(expired ? 'Your token has expired. Paste a new one to go on.'
            : 'The server did not accept the token (missing, expired or not for this service). Paste a new one.');
          throw { status: 401, message: 'not signed in' };
        }
        if (!r.ok) {
          return r.json().then(function (p) {
            throw { status: r.status, message: p.detail || p.title || ('status ' + r.status), problem: p };
          }, function () { throw { status: r.status, message: 'status ' + r.status }; });
        }
        if (accept && accept !== 'application/json') { return r.blob(); }
        return r.status === 204 ? null : r.json();
      })
      // Reading the body takes time of its own: check again once it is read.
      .then(function (value) {
        if (sent !== generation) { throw stale(); }
        return value;
      }, function (err) {
        throw sent !== generation ? stale() : err;
      });
  }

  // ---- Search (type-ahead) --------------------------------------------------------------------------------------

  var searchTimer = null;
  var searchSeq = 0;
  var options = [];
  var active = -1;

  function search(text) {
    var seq = ++searchSeq;
    if (text.trim().length < 2) { closeResults(); return; }
    call('GET', API + '/contacts?limit=8&q=' + encodeURIComponent(text.trim())).then(function (page) {
      if (seq !== searchSeq) { return; }
      options = page.items || [];
      var list = $('search-results');
      list.textContent = '';
      options.forEach(function (c, i) {
        var li = el('li', c.displayName || c.id);
        li.id = 'option-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.dataset.id = c.id;
        li.appendChild(el('span', c.kind, 'kind'));
        li.addEventListener('mousedown', function (ev) { ev.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      if (!options.length) {
        var none = el('li', 'No contact matches');
        none.setAttribute('aria-disabled', 'true');
        list.appendChild(none);
      }
      list.hidden = false;
      $('search-input').setAttribute('aria-expanded', 'true');
      active = -1;
    }, function (err) { if (err.status !== 401) { setNote('Search failed: ' + err.message); } });
  }

  function closeResults() {
    $('search-results').hidden = true;
    $('search-input').setAttribute('aria-expanded', 'false');
    $('search-input').removeAttribute('aria-activedescendant');
    active = -1;
  }

  function highlight(i) {
    var items = $('search-results').querySelectorAll('li[role=option]');
    if (!items.length) { return; }
    active = (i + items.length) % items.length;
    items.forEach(function (li, j) { li.setAttribute('aria-selected', j === active ? 'true' : 'false'); });
    $('search-input').setAttribute('aria-activedescendant', items[active].id);
    items[active].scrollIntoView({ block: 'nearest' });
  }

  function choose(i) {
    var c = options[i];
    if (!c) { return; }
    closeResults();
    $('search-input').value = c.displayName || '';
    state.centre = { id: c.id, name: c.displayName };
    state.communityId = null;
    if (state.view === 'overview') { setView('rings'); } else { load(); }
  }

  // ---- Loading and drawing maps ---------------------------------------------------------------------------------

  /** Past this many contacts on one circle, the circle shows one node per community instead (unless turned off). */
  var RING_SUMMARY = 300;
  /** At most this many contact labels at once; which ones is decided by influence and by room (see declutter). */
  var LABEL_BUDGET = 40;
  /** Labels keep this size on screen whatever the zoom, so that zooming in makes room for more of them. */
  var LABEL_PX = 12;
  var COMMUNITY_LABEL_PX = 14;

  function filterParams() {
    var types = Array.prototype.filter.call(document.querySelectorAll('#tie-types input'), function (b) {
      return b.checked;
    }).map(function (b) { return b.value; });
    var q = '';
    if (types.length && types.length < TIE_TYPES.length) { q += '&types=' + types.join(','); }
    var min = parseFloat($('min-strength').value);
    if (min > 0) { q += '&minStrength=' + min; }
    return q;
  }

  function load() {
    if (state.view === 'overview') { return loadOverview(''); }
    if (state.view === 'community' && state.communityId) { return loadCommunity(state.communityId); }
    if (!state.centre) {
      setNote('Find a contact to draw their circles, or open the Overview of all communities.');
      return Promise.resolve();
    }
    state.communityId = null;
    var url = API + '/maps/contacts/' + encodeURIComponent(state.centre.id) + '?depth=' + $('depth').value
      + filterParams();
    document.body.dataset.state = 'loading';
    var started = performance.now();
    return call('GET', url).then(function (map) {
      var fetched = performance.now() - started;
      if (map.truncated && map.nodeCount >= MAX_DRAWN || map.nodeCount > MAX_DRAWN) {
        return loadOverview('More contacts lie around ' + state.centre.name + ' than can be drawn one by one ('
          + map.nodeCount + '+): showing the communities instead, with those of ' + state.centre.name
          + ' outlined. Lower "Circles shown" or raise the minimum strength to see contacts.');
      }
      state.mapUrl = url;
      return draw(map, fetched);
    }, failed);
  }

  function loadOverview(why) {
    var url = API + '/maps/overview?level=' + state.level;
    document.body.dataset.state = 'loading';
    var started = performance.now();
    var memberships = state.centre
      ? call('GET', API + '/contacts/' + encodeURIComponent(state.centre.id) + '/communities').catch(function (e) {
        if (e && e.stale) { throw e; }
        return null;
      })
      : Promise.resolve(null);
    return Promise.all([call('GET', url), memberships]).then(function (both) {
      state.mapUrl = url;
      if (state.view !== 'overview') { state.view = 'overview'; syncViewRadios(); }
      var own = {};
      ((both[1] && both[1].memberships) || []).forEach(function (m) { own[m.communityId] = true; });
      return draw(both[0], performance.now() - started, why, own);
    }, failed);
  }

  function failed(err) {
    if (err.stale) { return; }
    document.body.dataset.state = 'error';
    if (err.status === 409) {
      setNote('No analytics results yet: communities and influence appear once an analyst has run the analytics.');
    } else if (err.status === 404) {
      setNote('Not found: ' + err.message);
    } else if (err.status !== 401) {
      setNote('The map could not be loaded: ' + err.message);
    }
  }

  function ensureCy() {
    if (cy) { return cy; }
    cy = api.cy = cytoscape({
      container: $('cy'),
      minZoom: 0.02,
      maxZoom: 6,
      pixelRatio: 1,                 // crisp enough, and keeps 2,000 nodes fluid
      textureOnViewport: true,       // pan and zoom move a bitmap of large graphs instead of redrawing
      hideEdgesOnViewport: true,
      motionBlur: false,
      boxSelectionEnabled: true,
      selectionType: 'additive',
      style: [
        { selector: 'node', style: {
          'background-color': 'data(colour)', 'width': 'data(diameter)', 'height': 'data(diameter)',
          'label': '', 'color': '#1b1f24', 'text-valign': 'bottom', 'text-margin-y': 2,
          'text-background-color': '#ffffff', 'text-background-opacity': 0.85, 'text-background-padding': 1,
          'text-background-shape': 'roundrectangle', 'min-zoomed-font-size': 0, 'border-width': 1,
          'border-color': '#ffffff', 'z-index-compare': 'manual', 'z-index': 10 } },
        // Labels only where declutter() found room; font size in data(fs) keeps them LABEL_PX on screen.
        { selector: 'node.labelled', style: { 'label': 'data(name)', 'font-size': 'data(fs)', 'z-index': 20 } },
        { selector: 'node.community', style: { 'font-weight': 'bold', 'border-width': 2,
          'border-color': '#ffffff' } },
        { selector: 'node.neighbour', style: { 'background-opacity': 0.55, 'border-width': 2,
          'border-style': 'dashed', 'border-color': '#3d4550' } },
        { selector: 'node.ring-group', style: { 'background-opacity': 0.8, 'border-width': 2,
          'border-color': '#3d4550' } },
        // Circles of ties drawn as guides: a dashed ring with its number and count above it, never clickable.
        { selector: 'node.guide', style: { 'background-opacity': 0, 'border-width': 'data(bw)',
          'border-style': 'dashed', 'border-color': '#8a939f', 'events': 'no', 'z-index': 0, 'overlay-opacity': 0 } },
        // A ring's number and count: a label-only node just outside the top of the ring.
        { selector: 'node.guide-label', style: { 'width': 1, 'height': 1, 'background-opacity': 0, 'border-width': 0,
          'label': 'data(name)', 'font-size': 'data(fs)', 'text-valign': 'top', 'color': '#4a5360',
          'font-weight': 'bold', 'events': 'no', 'z-index': 15, 'overlay-opacity': 0 } },
        { selector: 'node.guide-label.quiet', style: { 'label': '' } },
        { selector: 'node.centre', style: { 'border-width': 4, 'border-color': '#1b1f24', 'font-weight': 'bold',
          'z-index': 30 } },
        { selector: 'node.own', style: { 'border-width': 5, 'border-color': '#e8a200' } },
        { selector: 'node.bridged', style: { 'border-width': 6, 'border-color': '#D55E00' } },
        { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#e8a200', 'overlay-opacity': 0 } },
        { selector: 'node.focused', style: { 'overlay-color': '#e8a200', 'overlay-opacity': 0.35,
          'overlay-padding': 6 } },
        { selector: 'node.hidden-kind', style: { 'display': 'none' } },
        { selector: 'edge', style: { 'width': 'data(width)', 'line-color': '#8a939f', 'opacity': 'data(opacity)',
          'curve-style': 'haystack', 'z-index': 1 } },
        { selector: 'edge.link', style: { 'line-color': '#3d4550' } },
        { selector: 'edge.bridge', style: { 'line-color': '#D55E00', 'line-style': 'dashed',
          'curve-style': 'straight' } },
        { selector: 'edge.minor', style: { 'display': 'none' } },
        { selector: 'edge.lit', style: { 'opacity': 0.95, 'line-color': '#1b1f24', 'z-index': 5 } }
      ]
    });
    cy.on('tap', 'node', function (ev) {
      var n = ev.target;
      if (n.hasClass('guide') || n.hasClass('guide-label')) { return; }
      // A community opens where it is clicked: its members drawn, its details beside them.
      if (n.data('kind') === 'COMMUNITY' && state.view === 'overview') { loadCommunity(n.data('community')); }
      else if (n.hasClass('neighbour')) { loadCommunity(n.data('community')); }
      openPanel(n);
    });
    cy.on('select unselect', 'node', function () { updateSelection(); declutterSoon(); });
    cy.on('mouseover', 'node', function (ev) {
      if (ev.target.hasClass('guide') || ev.target.hasClass('guide-label')) { return; }
      ev.target.addClass('hovered');
      ev.target.connectedEdges().addClass('lit');
      declutter();
    });
    cy.on('mouseout', 'node', function (ev) {
      ev.target.removeClass('hovered');
      ev.target.connectedEdges().removeClass('lit');
      declutterSoon();
    });
    cy.on('viewport', declutterSoon);
    return cy;
  }

  function diameter(influence, max, min, range) {
    if (influence === null || influence === undefined || !max) { return min + 4; }
    return min + Math.sqrt(influence / max) * range;
  }

  /** Palette slots of the communities on the current map, largest first, so that those drawn differ. */
  var slots = {};

  function assignSlots(groups) {
    var counts = {};
    groups.forEach(function (g) { if (g !== null && g !== undefined) { counts[g] = (counts[g] || 0) + 1; } });
    slots = {};
    Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || Number(a) - Number(b); })
      .forEach(function (g, i) { slots[g] = i % PALETTE.length; });
  }

  function communityColour(id) {
    if (id === null || id === undefined || slots[id] === undefined) { return '#b0b6bf'; }
    return PALETTE[slots[id]];
  }

  function communityAt(node) {
    var levels = node.communities;
    if (levels && levels.length) { return levels[Math.min(state.level, levels.length - 1)]; }
    return node.community;
  }

  /** What staff call a community: its name from the API, else its number. */
  function communityName(id) {
    if (id === null || id === undefined) { return 'no community'; }
    return state.names[id] || ('community ' + id);
  }

  function remember(names) {
    Object.keys(names || {}).forEach(function (k) { if (names[k]) { state.names[k] = names[k]; } });
  }

  function elementsOf(map, own) {
    var nodes = map.elements.nodes.map(function (n) { return n.data; });
    remember(map.communityNames);
    var maxInfluence = 0;
    var levels = 1;
    nodes.forEach(function (d) {
      if (d.kind === 'COMMUNITY' && d.community !== null && d.community !== undefined) { state.names[d.community] = d.label; }
      if (d.influence > maxInfluence) { maxInfluence = d.influence; }
      if (d.communities && d.communities.length > levels) { levels = d.communities.length; }
    });
    if (levels !== state.levels && state.view !== 'overview') { state.levels = levels; fillLevels(); }
    var overview = state.view === 'overview';
    var contacts = nodes.filter(function (d) { return d.kind !== 'COMMUNITY'; });
    var small = contacts.length <= 500;
    assignSlots(nodes.map(function (d) { return d.kind === 'COMMUNITY' ? d.community : communityAt(d); }));
    var summarised = state.view === 'rings' ? crowdedRings(contacts) : {};
    var els = [];
    var groupOf = {};
    var groups = {};
    nodes.forEach(function (d) {
      if (d.kind !== 'COMMUNITY' && summarised[d.ring || 0]) {
        var c = communityAt(d);
        var gid = 'ring-' + (d.ring || 0) + '-community-' + (c === null || c === undefined ? 'none' : c);
        groupOf[d.id] = gid;
        var g = groups[gid] = groups[gid] || { id: gid, ring: d.ring || 0, community: c, members: 0, influence: 0 };
        g.members += 1;
        g.influence += d.influence || 0;
        return;
      }
      var colour = d.kind === 'COMMUNITY' || state.view !== 'rings'
        ? communityColour(d.kind === 'COMMUNITY' ? d.community : communityAt(d)) : (KIND_COLOURS[d.kind] || '#6B6B6B');
      var classes = [d.kind === 'COMMUNITY' ? 'community' : 'contact'];
      if (d.kind === 'COMMUNITY' && !overview) { classes.push('neighbour'); }
      if (state.centre && d.id === state.centre.id && !overview) { classes.push('centre'); }
      if (overview && own && own[d.community]) { classes.push('own'); }
      if (d.kind !== 'COMMUNITY' && state.hiddenKinds[d.kind]) { classes.push('hidden-kind'); }
      els.push({ group: 'nodes', classes: classes.join(' '), data: {
        id: d.id, name: d.kind === 'COMMUNITY' ? d.label + ' (' + (d.size || 0) + ')' : d.label || '', kind: d.kind,
        community: d.community, group: d.kind === 'COMMUNITY' ? d.community : communityAt(d),
        ring: d.ring, influence: d.kind === 'COMMUNITY' ? d.size : d.influence, size: d.size, colour: colour,
        fs: LABEL_PX,
        diameter: d.kind === 'COMMUNITY' ? 30 + Math.sqrt(d.size || 1) * 10
          : diameter(d.influence, maxInfluence, small ? 10 : 5, small ? 30 : 14)
      } });
    });
    Object.keys(groups).forEach(function (gid) {
      var g = groups[gid];
      els.push({ group: 'nodes', classes: 'ring-group', data: {
        id: gid, kind: 'RING_GROUP', ring: g.ring, community: g.community, group: g.community, members: g.members,
        name: communityName(g.community) + ' (' + g.members + ')', influence: g.influence, fs: LABEL_PX,
        colour: communityColour(g.community), diameter: 12 + Math.sqrt(g.members) * 5 } });
    });
    // Ties to contacts summarised into a community node go to that node, one edge per pair, width by count.
    var merged = {};
    map.elements.edges.forEach(function (e) {
      var d = e.data;
      var s = groupOf[d.source] || d.source;
      var t = groupOf[d.target] || d.target;
      if (s === t) { return; }
      if (s === d.source && t === d.target) {
        var bridge = d.type === 'BRIDGE';
        els.push({ group: 'edges', classes: overview ? 'link' : bridge ? 'bridge' : '', data: {
          id: 'e-' + d.id, source: s, target: t, type: d.type, strength: d.strength,
          width: 0.5 + (d.strength || 0) * (overview ? 10 : 4),
          opacity: overview ? 0.15 + 0.75 * (d.strength || 0) : bridge ? 0.7 : small ? 0.45 : 0.25
        } });
        return;
      }
      var key = s < t ? s + '|' + t : t + '|' + s;
      var m = merged[key] = merged[key] || { source: s, target: t, ties: 0, strength: 0 };
      m.ties += 1;
      m.strength += d.strength || 0;
    });
    Object.keys(merged).forEach(function (key) {
      var m = merged[key];
      els.push({ group: 'edges', data: { id: 'agg-' + key, source: m.source, target: m.target, type: 'TIES',
        strength: m.strength, ties: m.ties, width: Math.min(8, 0.5 + Math.log(1 + m.ties)), opacity: 0.3 } });
    });
    return els;
  }

  /** The circles holding more contacts than RING_SUMMARY, which are drawn one node per community. */
  function crowdedRings(contacts) {
    var counts = {};
    contacts.forEach(function (d) { var r = d.ring || 0; counts[r] = (counts[r] || 0) + 1; });
    var out = {};
    if (!$('summarise').checked) { return out; }
    Object.keys(counts).forEach(function (r) { if (counts[r] > RING_SUMMARY && Number(r) > 0) { out[r] = true; } });
    return out;
  }

  /**
   * Circles view: the chosen contact in the middle and each circle of ties a ring around it, wide enough for its
   * nodes side by side; on a ring, nodes are ordered by community (then influence), so that a community sits
   * together. One dashed guide per ring, labelled with its number and count, is drawn under the nodes.
   */
  function ringPositions() {
    var byRing = {};
    var counts = {};
    cy.nodes('.contact, .ring-group').forEach(function (n) {
      var r = n.data('ring') || 0;
      (byRing[r] = byRing[r] || []).push(n);
      counts[r] = (counts[r] || 0) + (n.hasClass('ring-group') ? n.data('members') : 1);
    });
    var positions = {};
    var radius = 0;
    var guides = [];
    Object.keys(byRing).map(Number).sort(function (a, b) { return a - b; }).forEach(function (r) {
      var members = byRing[r].sort(function (a, b) {
        return String(a.data('group')).localeCompare(String(b.data('group')))
          || (b.data('influence') || 0) - (a.data('influence') || 0);
      });
      if (r === 0) {
        members.forEach(function (n, i) { positions[n.id()] = { x: i * 40, y: 0 }; });
        return;
      }
      var around = members.reduce(function (sum, n) { return sum + n.data('diameter') + 6; }, 0);
      radius = Math.max(radius + 110, around / (2 * Math.PI));
      var angle = -Math.PI / 2;
      members.forEach(function (n) {
        var step = (n.data('diameter') + 6) / around * 2 * Math.PI;
        angle += step / 2;
        positions[n.id()] = { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
        angle += step / 2;
      });
      guides.push({ ring: r, radius: radius, count: counts[r], summarised: members.some(function (n) {
        return n.hasClass('ring-group');
      }), edge: members.reduce(function (m, n) { return Math.max(m, n.data('diameter') / 2); }, 0) });
    });
    cy.batch(function () {
      guides.forEach(function (g) {
        var label = 'Circle ' + g.ring + ' · ' + g.count + (g.count === 1 ? ' contact' : ' contacts')
          + (g.summarised ? ', by community' : '');
        var added = cy.add({ group: 'nodes', classes: 'guide', data: { id: 'guide-' + g.ring, kind: 'GUIDE',
          ringGuide: g.ring, diameter: 2 * g.radius, colour: '#ffffff', bw: 1.5 } });
        var text = cy.add({ group: 'nodes', classes: 'guide-label', data: { id: 'guide-label-' + g.ring,
          kind: 'GUIDE', name: label, ringGuide: g.ring, radius: g.radius, edge: g.edge, diameter: 1,
          colour: '#ffffff', fs: LABEL_PX } });
        added.add(text).ungrabify().unselectify();
        positions[added.id()] = { x: 0, y: 0 };
        positions[text.id()] = { x: 0, y: -(g.radius + g.edge + 2) };
      });
    });
    return function (n) { return positions[n.id()]; };
  }

  function clusterPositions() {
    var groups = {};
    cy.nodes('.contact').forEach(function (n) {
      var g = n.data('group');
      var key = g === null || g === undefined ? 'none' : String(g);
      (groups[key] = groups[key] || []).push(n);
    });
    var list = Object.keys(groups).map(function (k) { return groups[k]; });
    list.sort(function (a, b) { return b.length - a.length; });
    var positions = {};
    var golden = Math.PI * (3 - Math.sqrt(5));
    var spacing = 14;
    var placed = [];
    list.forEach(function (members, gi) {
      members.sort(function (a, b) { return (b.data('influence') || 0) - (a.data('influence') || 0); });
      var radius = spacing * Math.sqrt(members.length) + spacing;
      var cx = 0, cyy = 0;
      if (gi > 0) {
        // Walk outwards on a spiral until the disc fits beside those already placed.
        for (var t = 1; t < 20000; t++) {
          var a = t * 0.35, r = 4 * t;
          cx = Math.cos(a) * r; cyy = Math.sin(a) * r;
          var clear = placed.every(function (p) {
            var dx = p.x - cx, dy = p.y - cyy;
            return Math.sqrt(dx * dx + dy * dy) > p.r + radius + spacing;
          });
          if (clear) { break; }
        }
      }
      placed.push({ x: cx, y: cyy, r: radius });
      members.forEach(function (n, i) {
        // Sunflower packing: the most influential member in the middle of its community.
        var rr = spacing * Math.sqrt(i), th = i * golden;
        positions[n.id()] = { x: cx + rr * Math.cos(th), y: cyy + rr * Math.sin(th) };
      });
    });
    return function (n) { return positions[n.id()]; };
  }

  /** Overview: each community keeps its strongest few links; the rest are hidden until asked for. */
  function filterLinks() {
    var per = $('links-per').value;
    cy.batch(function () {
      var keep = {};
      if (per !== 'all') {
        var k = parseInt(per, 10) || 3;
        cy.nodes('.community').forEach(function (n) {
          n.connectedEdges().sort(function (a, b) { return b.data('strength') - a.data('strength'); })
            .slice(0, k).forEach(function (e) { keep[e.id()] = true; });
        });
      }
      cy.edges('.link').forEach(function (e) { e.toggleClass('minor', per !== 'all' && !keep[e.id()]); });
    });
  }

  /** A force-directed layout (fCoSE) of the given elements; quick draft quality for large ones. */
  function forceLayout(eles, count, extra) {
    var options = { name: 'fcose', quality: count > 600 ? 'draft' : 'default', randomize: true, animate: false,
      fit: false, nodeDimensionsIncludeLabels: false, uniformNodeDimensions: false, packComponents: true,
      nodeRepulsion: function () { return count > 600 ? 4500 : state.view === 'overview' ? 25000 : 9000; },
      idealEdgeLength: function (e) { return e.hasClass('link') ? 260 - 120 * (e.data('strength') || 0) : 60; },
      edgeElasticity: function (e) { return 0.1 + 0.4 * (e.data('strength') || 0); },
      nodeSeparation: 80, numIter: count > 600 ? 1200 : 2500, tile: true };
    Object.keys(extra || {}).forEach(function (k) { options[k] = extra[k]; });
    return eles.layout(options);
  }

  /**
   * Community view: neighbouring communities sit outside the members' drawing, each on the side where the members
   * tied to it are, spread so that they do not overlap.
   */
  function placeNeighbours() {
    var members = cy.nodes('.contact');
    var neighbours = cy.nodes('.neighbour');
    if (!neighbours.length || !members.length) { return; }
    var bb = members.boundingBox();
    var cx = (bb.x1 + bb.x2) / 2, cyy = (bb.y1 + bb.y2) / 2;
    // The circle around the members' bounding box: whatever the angle, a neighbour on it lies outside the box.
    var radius = Math.sqrt(bb.w * bb.w + bb.h * bb.h) / 2 + 60;
    var wanted = neighbours.map(function (n, i) {
      var sx = 0, sy = 0, k = 0;
      n.connectedEdges().connectedNodes('.contact').forEach(function (m) {
        sx += m.position('x'); sy += m.position('y'); k += 1;
      });
      var a = k ? Math.atan2(sy / k - cyy, sx / k - cx) : 2 * Math.PI * i / neighbours.length;
      return { n: n, a: a };
    }).sort(function (p, q) { return p.a - q.a; });
    // Evenly spaced slots around the circle, turned so that each neighbour lands as close as it can to its side.
    var k = wanted.length;
    var slot = 2 * Math.PI / k;
    var best = null;
    for (var shift = 0; shift < k; shift++) {
      var base = wanted[shift].a - shift * slot;
      var cost = 0;
      for (var i = 0; i < k; i++) {
        var d = Math.abs(((wanted[i].a - (base + i * slot)) % (2 * Math.PI) + 3 * Math.PI) % (2 * Math.PI) - Math.PI);
        cost += d;
      }
      if (best === null || cost < best.cost) { best = { cost: cost, base: base }; }
    }
    wanted.forEach(function (w, i) { w.a = best.base + i * slot; });
    cy.batch(function () {
      wanted.forEach(function (w) {
        var r = radius + w.n.data('diameter') / 2;
        w.n.position({ x: cx + r * Math.cos(w.a), y: cyy + r * Math.sin(w.a) });
      });
    });
  }

  function draw(map, fetchedMs, why, own) {
    var drawing = generation;
    ensureCy();
    var started = performance.now();
    var els = elementsOf(map, own);
    cy.startBatch();
    cy.elements().remove();
    cy.add(els);
    cy.endBatch();
    // Notes, legend and panels first: they change the canvas's height, which the layout's fit must know.
    state.map = map;
    $('bridges').hidden = state.view !== 'overview';
    legend();
    howTo();
    bridges();
    var notes = [];
    if (why) { notes.push(why); }
    if (map.note) { notes.push(map.note); }
    var groups = cy.nodes('.ring-group');
    var summarised = groups.reduce(function (s, n) { return s + n.data('members'); }, 0);
    if (groups.length) {
      notes.push('Crowded circles show one node per community (' + groups.length + ' nodes for ' + summarised
        + ' contacts): click one to open it, or untick "Summarise crowded circles" to draw every contact.');
    }
    var communityMap = state.view === 'community' && state.communityId;
    if (!why && state.view !== 'overview' && state.centre && !communityMap) {
      notes.push((cy.nodes('.contact').length + summarised) + ' contacts and ' + map.edgeCount + ' ties around '
        + state.centre.name + (state.view === 'rings' ? ', by circle' : ', coloured by community (level '
        + state.level + ')') + '.');
    }
    setNote(notes.join(' '));
    ['png-button', 'svg-button', 'graphml-button'].forEach(function (b) { $(b).disabled = false; });
    updateSelection();
    cy.resize();
    var layout;
    var count = cy.nodes().length;
    if (state.view === 'rings') {
      layout = cy.layout({ name: 'preset', fit: false, animate: false, positions: ringPositions() });
    } else if (state.view === 'overview') {
      filterLinks();
      layout = forceLayout(cy.elements().not('.minor'), count);
    } else if (communityMap) {
      layout = forceLayout(cy.nodes('.contact').union(cy.edges().not('.bridge')), count);
    } else {
      // A contact's neighbourhood by community: each community a packed disc (largest in the middle), discs on a
      // spiral. Linear in the number of nodes.
      layout = cy.layout({ name: 'preset', fit: false, animate: false, positions: clusterPositions() });
    }
    return new Promise(function (resolve) {
      layout.one('layoutstop', function () {
        if (communityMap) { placeNeighbours(); }
        // Room around the drawing for the labels outside it (ring numbers, neighbours' names).
        cy.fit(cy.elements(':visible').not('.guide-label'), 44);
        declutter();
        // Two frames: the first paints, the second proves the paint is done.
        requestAnimationFrame(function () {
          requestAnimationFrame(function () {
            if (drawing !== generation) { resolve(null); return; } // signed out while it was painted
            var renderMs = performance.now() - started;
            api.renders += 1;
            api.lastRender = { view: state.view, nodes: cy.nodes('.contact').length,
              communities: cy.nodes('.community').length, summaries: cy.nodes('.ring-group').length,
              summarised: cy.nodes('.ring-group').reduce(function (s, n) { return s + n.data('members'); }, 0),
              edges: cy.edges().length, fetchMs: Math.round(fetchedMs || 0), renderMs: Math.round(renderMs) };
            document.body.dataset.state = 'ready';
            resolve(api.lastRender);
          });
        });
      });
      layout.run();
    });
  }

  // ---- Labels ---------------------------------------------------------------------------------------------------

  var declutterTimer = null;

  function declutterSoon() {
    clearTimeout(declutterTimer);
    declutterTimer = setTimeout(declutter, 120);
  }

  function overlaps(a, b) {
    return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  }

  /**
   * Collision-aware labels: candidates in the view, the selected, hovered and centre first, then communities by size
   * and contacts by influence, each labelled only if its label (as Cytoscape.js measures it) overlaps none already
   * placed, up to LABEL_BUDGET contacts. Labels keep their size on screen, so zooming in makes room for more.
   */
  function declutter() {
    if (!cy || !cy.nodes().length) { return; }
    var zoom = cy.zoom();
    var ext = cy.extent();
    var margin = 20 / zoom;
    var placed = [];
    cy.batch(function () {
      cy.nodes('.guide').forEach(function (g) { g.data('bw', 1.5 / zoom); });
      cy.nodes('.guide-label').forEach(function (g) {
        g.data('fs', LABEL_PX / zoom);
        g.position({ x: 0, y: -(g.data('radius') + g.data('edge') + 2 / zoom) });
      });
    });
    // Ring labels first, inner rings first; one that would overlap another (rings close at a far zoom) waits.
    cy.nodes('.guide-label').removeClass('quiet');
    cy.nodes('.guide-label').sort(function (a, b) { return a.data('ringGuide') - b.data('ringGuide'); }).forEach(function (g) {
      var box = g.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false });
      if (placed.some(function (b) { return overlaps(b, box); })) { g.addClass('quiet'); return; }
      placed.push(box);
    });
    var candidates = cy.nodes('.contact, .community, .ring-group').filter(function (n) {
      if (!n.visible()) { return false; }
      // A selected, hovered or focused node keeps its name wherever it is: panned out of sight, it is still named in
      // the SVG export and as soon as it comes back into view.
      if (n.selected() || n.hasClass('hovered') || n.hasClass('focused')) { return true; }
      var p = n.position();
      return p.x >= ext.x1 - margin && p.x <= ext.x2 + margin && p.y >= ext.y1 - margin && p.y <= ext.y2 + margin;
    });
    var priority = function (n) {
      var p = 0;
      if (n.selected() || n.hasClass('hovered') || n.hasClass('focused')) { p += 4e9; }
      if (n.hasClass('centre')) { p += 3e9; }
      if (n.hasClass('community') || n.hasClass('ring-group')) { p += 1e9 + (n.data('size') || n.data('members') || 0); }
      return p + (n.data('influence') || 0) * 1e6;
    };
    var ordered = candidates.toArray().sort(function (a, b) { return priority(b) - priority(a); }).slice(0, 250);
    cy.batch(function () {
      cy.nodes('.labelled').removeClass('labelled');
      ordered.forEach(function (n) {
        n.data('fs', (n.hasClass('community') ? COMMUNITY_LABEL_PX : LABEL_PX) / zoom);
        n.addClass('labelled');
      });
    });
    // On the overview a name may cover a smaller community, never a larger one (its disc stays readable).
    var bodies = state.view !== 'overview' ? [] : cy.nodes('.community:visible').map(function (n) {
      return { id: n.id(), size: n.data('size') || 0,
        b: n.boundingBox({ includeLabels: false, includeOverlays: false }) };
    });
    var rejected = [];
    var contacts = 0;
    ordered.forEach(function (n) {
      var must = n.selected() || n.hasClass('hovered') || n.hasClass('focused') || n.hasClass('centre');
      var isContact = n.hasClass('contact');
      if (!n.data('name') || (isContact && contacts >= LABEL_BUDGET && !must)) { rejected.push(n); return; }
      var box = n.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false });
      var inside = box.x1 >= ext.x1 && box.x2 <= ext.x2 && box.y1 >= ext.y1 && box.y2 <= ext.y2;
      if (!inside || placed.some(function (b) { return overlaps(b, box); })
          || bodies.some(function (o) {
            return o.id !== n.id() && o.size > (n.data('size') || 0) && overlaps(o.b, box);
          })) { rejected.push(n); return; }
      placed.push(box);
      if (isContact) { contacts += 1; }
    });
    cy.batch(function () { rejected.forEach(function (n) { n.removeClass('labelled'); }); });
    api.labels = cy.nodes('.labelled').length;
  }

  function legend() {
    var ul = $('legend');
    ul.textContent = '';
    var add = function (colour, text) {
      var li = el('li');
      var sw = el('span', null, 'swatch');
      sw.style.backgroundColor = colour;
      li.appendChild(sw);
      li.appendChild(document.createTextNode(text));
      ul.appendChild(li);
    };
    if (state.view === 'rings') {
      var present = {};
      cy.nodes('.contact').forEach(function (n) { present[n.data('kind')] = true; });
      KINDS.forEach(function (k) { if (present[k]) { add(KIND_COLOURS[k], k.toLowerCase().replace(/_/g, ' ')); } });
      if (cy.nodes('.ring-group').length) { add('#b0b6bf', 'a community\'s contacts on a crowded circle'); }
      ul.appendChild(el('li', 'Size: influence (PageRank) · line width: tie strength · dashed rings: circles of ties'));
    } else {
      var counts = {};
      cy.nodes('.contact, .community').forEach(function (n) {
        var g = n.data('group');
        counts[g] = (counts[g] || 0) + (n.hasClass('community') ? (n.data('size') || 0) : 1);
      });
      var top = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; }).slice(0, 8);
      top.forEach(function (g) {
        var id = g === 'null' || g === 'undefined' ? null : Number(g);
        add(communityColour(id), communityName(id) + ' (' + counts[g] + ')');
      });
      ul.appendChild(el('li', state.view === 'overview'
        ? 'Each circle is a community (size: members); lines: its strongest links to other communities'
        : 'Colour: community at level ' + state.level + ' · size: influence · dashed: ties to neighbouring communities'));
    }
  }

  var HOW_TO = {
    rings: ['The chosen contact is in the middle; each dashed ring is a circle of ties: 1 = their direct ties, 2 = ties '
      + 'of those, and so on, with the number of contacts on it.',
      'Colour says the kind of contact, size their influence; only the most influential are named. Hover, select or '
      + 'zoom in to see more names.',
      'A ring with too many people to draw shows one node per community instead; click it to open that community.'],
    community: ['Each colour is a community: people more tied to each other than to the rest.',
      'Drawing one community: its members are pulled together by their ties; the dashed circles around the edge are '
      + 'the neighbouring communities it is most tied to, with a dashed line from each member who links to them.',
      'Size is influence; the names shown are the most influential that fit. Click a neighbour to go there.'],
    overview: ['Each circle is a community, named after what stands out in it (the clinic or group its members are '
      + 'tied to, where they live, the language they speak); its size is its number of members.',
      'Communities close together are strongly linked. Only each community\'s strongest links are drawn: "Links '
      + 'shown per community" shows more.',
      'The bridging contacts listed beside the map link communities. Click a community to open it.']
  };

  function howTo() {
    var body = $('howto-body');
    body.textContent = '';
    var ul = el('ul');
    (HOW_TO[state.view] || []).forEach(function (t) { ul.appendChild(el('li', t)); });
    body.appendChild(ul);
  }

  /** Overview: the contacts who bridge communities, beside the map; hovering one outlines what they link. */
  function bridges() {
    var box = $('bridges');
    if (state.view !== 'overview') { box.hidden = true; return; }
    var list = $('bridges-list');
    list.textContent = '';
    box.hidden = false;
    call('GET', API + '/influencers?metric=betweenness&limit=8').then(function (page) {
      list.textContent = '';
      (page.items || []).forEach(function (b) {
        var li = el('li');
        li.tabIndex = 0;
        li.dataset.id = b.contactId;
        li.appendChild(el('strong', b.displayName || b.contactId));
        var linked = (b.explanation && b.explanation.bridgedCommunities) || [];
        li.appendChild(el('span', communityName(b.community) + ' ↔ ' + (b.explanation ? b.explanation.communitiesBridged : 0)
          + ' other communities', 'links'));
        var light = function (on) {
          cy.nodes('.bridged').removeClass('bridged');
          if (!on || state.level !== 0) { return; }
          [b.community].concat(linked).forEach(function (c) { cy.getElementById('community-' + c).addClass('bridged'); });
        };
        li.addEventListener('mouseenter', function () { light(true); });
        li.addEventListener('focus', function () { light(true); });
        li.addEventListener('mouseleave', function () { light(false); });
        li.addEventListener('blur', function () { light(false); });
        li.addEventListener('click', function () {
          state.centre = { id: b.contactId, name: b.displayName };
          $('search-input').value = b.displayName || '';
          setView('rings');
        });
        list.appendChild(li);
      });
      if (!list.children.length) { list.appendChild(el('li', 'No analytics results yet')); }
    }, function (err) {
      if (err.status !== 401) { list.appendChild(el('li', 'Unavailable: ' + err.message)); }
    });
  }

  // ---- Side panel -----------------------------------------------------------------------------------------------

  function row(dl, term, value) {
    if (value === null || value === undefined || value === '') { return; }
    dl.appendChild(el('dt', term));
    dl.appendChild(el('dd', value));
  }

  function openPanel(node) {
    var panel = $('panel');
    var body = $('panel-body');
    body.textContent = '';
    panel.hidden = false;
    cy.nodes('.focused').removeClass('focused');
    node.addClass('focused');
    if (node.data('kind') === 'COMMUNITY') { return communityPanel(node.data('community')); }
    if (node.hasClass('ring-group')) { return ringGroupPanel(node); }
    delete body.dataset.community;
    var id = node.id();
    $('panel-title').textContent = node.data('name') || id;
    body.appendChild(el('p', 'Loading…', 'hint'));
    var enc = encodeURIComponent(id);
    var soft = function (p) {
      return p.catch(function (e) {
        if (e && e.stale) { throw e; }
        return { failed: e };
      });
    };
    return Promise.all([
      call('GET', API + '/contacts/' + enc),
      soft(call('GET', API + '/contacts/' + enc + '/communities')),
      soft(call('GET', API + '/influencers?limit=1&contact=' + enc))
    ]).then(function (all) {
      if (node.hasClass('focused')) { fillPanel(all[0], all[1], all[2]); }
    }, function (err) {
      if (err.stale) { return; }
      body.textContent = '';
      body.appendChild(el('p', err.status === 404 ? 'You may not see this contact.' : 'Could not load: ' + err.message,
        'message'));
    });
  }

  function fillPanel(contact, communities, influence) {
    var body = $('panel-body');
    body.textContent = '';
    body.dataset.contact = contact.id;
    $('panel-title').textContent = contact.displayName || contact.id;
    var dl = el('dl');
    row(dl, 'Kind', (contact.kind || '').toLowerCase().replace(/_/g, ' '));
    row(dl, 'Languages', (contact.languages || []).join(', '));
    row(dl, 'Tags', (contact.tags || []).join(', '));
    body.appendChild(dl);

    body.appendChild(el('h3', 'Consented channels'));
    var channels = el('ul');
    channels.id = 'panel-channels';
    var consent = contact.consent || {};
    var granted = Object.keys(consent).filter(function (ch) { return consent[ch] && consent[ch].status === 'GRANTED'; });
    if (contact.doNotContact) {
      channels.appendChild(el('li', 'Do not contact'));
    } else if (!granted.length) {
      channels.appendChild(el('li', 'None'));
    }
    if (!contact.doNotContact) {
      // Details appear only where the API returned them: it leaves out what this role may not see.
      var detail = { EMAIL: contact.email, SMS: contact.phone, PHONE: contact.phone,
        MAIL: [contact.postalCode, contact.city].filter(Boolean).join(' ') };
      granted.forEach(function (ch) {
        var li = el('li', ch.toLowerCase().replace(/_/g, ' '));
        li.dataset.channel = ch;
        if (detail[ch]) { li.appendChild(el('span', ': ' + detail[ch], 'detail')); }
        channels.appendChild(li);
      });
    }
    body.appendChild(channels);

    body.appendChild(el('h3', 'Communities'));
    var cl = el('ul');
    cl.id = 'panel-communities';
    if (communities.failed) {
      cl.appendChild(el('li', communities.failed.status === 409 ? 'No analytics run yet'
        : communities.failed.status === 404 ? 'Not in the latest analytics run' : 'Unavailable'));
    } else {
      communities.memberships.forEach(function (m) {
        var share = m.share === null || m.share === undefined ? '' : ', ' + Math.round(m.share * 100) + '% of its tie strength';
        if (m.name) { state.names[m.communityId] = m.name; }
        cl.appendChild(el('li', 'Level ' + m.level + ': ' + communityName(m.communityId) + ' (' + m.size + ' members) — '
          + (m.primary ? 'primary' : 'also') + share));
      });
    }
    body.appendChild(cl);

    body.appendChild(el('h3', 'Influence'));
    var inf = influence.failed ? null : (influence.items || [])[0];
    if (!inf) {
      body.appendChild(el('p', 'Not ranked (no analytics run includes this contact yet).'));
    } else {
      var idl = el('dl');
      idl.id = 'panel-influence';
      row(idl, 'Rank', inf.rank + ' by PageRank');
      row(idl, 'PageRank', inf.scores.pagerank.toFixed(3));
      row(idl, 'Betweenness', inf.scores.betweenness.toFixed(1));
      row(idl, 'Ties', String(inf.scores.degree));
      body.appendChild(idl);
      body.appendChild(el('p', 'Why: ' + inf.explanation.summary, 'why'));
    }
    var open = el('button', 'Draw the circles of ' + (contact.displayName || 'this contact'), 'open');
    open.type = 'button';
    open.addEventListener('click', function () {
      state.centre = { id: contact.id, name: contact.displayName };
      $('search-input').value = contact.displayName || '';
      setView(state.view === 'overview' ? 'rings' : state.view);
    });
    body.appendChild(open);
  }

  function communityPanel(id) {
    $('panel-title').textContent = communityName(id);
    var body = $('panel-body');
    body.dataset.community = String(id);
    body.appendChild(el('p', 'Loading…', 'hint'));
    return call('GET', API + '/communities/' + id).then(function (c) {
      body.textContent = '';
      var s = c.summary;
      if (s.name) { state.names[id] = s.name; }
      $('panel-title').textContent = communityName(id);
      if (s.description) { body.appendChild(el('p', s.description, 'traits')); }
      var dl = el('dl');
      if (s.renamed) { row(dl, 'Generated name', s.generatedName); }
      row(dl, 'Level', String(s.level));
      row(dl, 'Members', String(s.size));
      row(dl, 'Density', s.density.toFixed(3));
      row(dl, 'Kinds', Object.keys(s.kindMix || {}).map(function (k) { return s.kindMix[k] + ' ' + k.toLowerCase(); }).join(', '));
      row(dl, 'Languages', (s.languages || []).slice(0, 4).map(function (v) { return v.value; }).join(', '));
      body.appendChild(dl);
      body.appendChild(el('h3', 'Most influential'));
      var ul = el('ul');
      (c.topInfluencers || []).slice(0, 5).forEach(function (m) { ul.appendChild(el('li', m.displayName + ' (' + m.kind.toLowerCase() + ')')); });
      body.appendChild(ul);
      if ((c.bridges || []).length) {
        body.appendChild(el('h3', 'Most tied to'));
        var bl = el('ul');
        c.bridges.slice(0, 5).forEach(function (b) {
          bl.appendChild(el('li', (b.name || 'community ' + b.communityId) + ' — ' + b.ties + ' ties'));
        });
        body.appendChild(bl);
      }
      if (state.role === 'admin' || state.role === 'outreach') { body.appendChild(renameForm(id, s)); }
      var open = el('button', 'Draw this community', 'open');
      open.type = 'button';
      open.addEventListener('click', function () { loadCommunity(id); });
      body.appendChild(open);
    }, function (err) {
      if (err.stale) { return; }
      body.textContent = '';
      body.appendChild(el('p', 'Could not load: ' + err.message, 'message'));
    });
  }

  /** Staff may give a community the name they use for it; it follows the community from run to run. */
  function renameForm(id, s) {
    var form = el('form', null, 'rename');
    form.id = 'rename-form';
    var label = el('label', 'Name used by staff');
    label.htmlFor = 'rename-input';
    var input = document.createElement('input');
    input.type = 'text';
    input.id = 'rename-input';
    input.maxLength = 80;
    input.value = s.name || '';
    var save = el('button', 'Save name');
    save.type = 'submit';
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(save);
    var put = function (name) {
      return call('PUT', API + '/communities/' + id + '/name', { name: name }, undefined,
        { 'If-Match': '"' + s.nameVersion + '"' }).then(function (n) {
        state.names[id] = n.name;
        if (cy) {
          cy.nodes().filter(function (x) { return x.data('community') === id && (x.hasClass('community')); })
            .forEach(function (x) { x.data('name', n.name + ' (' + (x.data('size') || 0) + ')'); });
          cy.nodes('.ring-group').filter(function (x) { return x.data('community') === id; })
            .forEach(function (x) { x.data('name', n.name + ' (' + x.data('members') + ')'); });
        }
        legend();
        declutter();
        setNote('Community renamed "' + n.name + '".');
        return communityPanel(id);
      }, function (err) {
        if (err.status === 412) {
          setNote('Someone renamed this community meanwhile: here is the current name; try again.');
          $('panel-body').textContent = '';
          return communityPanel(id);
        }
        if (err.status === 403) { setNote('Your role may not rename communities (outreach staff and admins can).'); }
        else if (err.status !== 401) { setNote('The community could not be renamed: ' + err.message); }
      });
    };
    form.addEventListener('submit', function (ev) { ev.preventDefault(); put(input.value.trim()); });
    if (s.renamed) {
      var reset = el('button', 'Use the generated name');
      reset.type = 'button';
      reset.addEventListener('click', function () { put(null); });
      form.appendChild(reset);
    }
    return form;
  }

  /** A crowded circle's community node: how many of its contacts are there, and the way to see them. */
  function ringGroupPanel(node) {
    var body = $('panel-body');
    var c = node.data('community');
    $('panel-title').textContent = communityName(c);
    body.appendChild(el('p', node.data('members') + ' contacts of this community on circle ' + node.data('ring')
      + ' are drawn as this one node, the circle being too crowded to draw each.'));
    var open = el('button', 'Draw this community', 'open');
    open.type = 'button';
    open.addEventListener('click', function () { loadCommunity(c); });
    body.appendChild(open);
    var all = el('button', 'Draw every contact instead', 'open');
    all.type = 'button';
    all.addEventListener('click', function () { $('summarise').checked = false; load(); });
    body.appendChild(all);
  }

  function loadCommunity(id) {
    var url = API + '/maps/communities/' + id + '?neighbours=true' + filterParams();
    state.view = 'community';
    state.communityId = id;
    syncViewRadios();
    document.body.dataset.state = 'loading';
    var started = performance.now();
    return call('GET', url).then(function (map) {
      state.mapUrl = url;
      remember(map.communityNames);
      return draw(map, performance.now() - started, communityName(id) + ' and the communities around it.');
    }, failed);
  }

  // ---- Selection, segments, exports -----------------------------------------------------------------------------

  function selectedContacts() {
    return cy ? cy.nodes('.contact:selected') : [];
  }

  function updateSelection() {
    var n = selectedContacts().length;
    var b = $('segment-button');
    b.disabled = n === 0;
    b.textContent = n ? 'Start a segment from the selection (' + n + ')' : 'Start a segment from the selection';
  }

  function startSegment() {
    var ids = selectedContacts().map(function (n) { return n.id(); });
    var name = $('segment-name').value.trim() || ('Map selection ' + new Date().toISOString().slice(0, 16).replace('T', ' '));
    return call('POST', API + '/segments', { name: name, filter: { contacts: ids } }).then(function (seg) {
      setNote('Segment "' + name + '" started with ' + ids.length + ' contacts' + (seg && seg.id ? ' (id ' + seg.id + ').' : '.'));
    }, function (err) {
      if (err.status === 404 || err.status === 405) {
        setNote('Segments are not available on this server yet, so the selection could not be saved. '
          + 'Nothing was changed.');
      } else if (err.status === 403) {
        setNote('Your role may not create segments (outreach staff and admins can).');
      } else if (err.status !== 401) {
        setNote('The segment could not be started: ' + err.message);
      }
    });
  }

  function download(blob, name) {
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function exportPng() {
    var blob = cy.png({ output: 'blob', full: true, bg: '#ffffff', maxWidth: 4000, maxHeight: 4000 });
    download(blob, 'circles-map.png');
  }

  /**
   * What XML 1.0 cannot carry (control characters, lone surrogates, U+FFFE, U+FFFF): XMLSerializer writes them
   * anyway, and the file would then not open. The API refuses them in what it stores; this keeps the export whole
   * whatever reaches a label.
   */
  var NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

  function xmlText(value) { return String(value).replace(NOT_XML, ''); }

  /**
   * The drawing as SVG, built from what Cytoscape.js drew (positions, sizes, colours, the labels shown): rings,
   * ties, nodes, labels, in that order. Elements are made with the DOM and serialised, so every text is escaped.
   */
  function svgText() {
    var NS = 'http://www.w3.org/2000/svg';
    var visible = cy.elements(':visible');
    var bb = visible.boundingBox({ includeLabels: true, includeOverlays: false });
    var pad = 20;
    var svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('xmlns', NS);
    svg.setAttribute('viewBox', [bb.x1 - pad, bb.y1 - pad, bb.w + 2 * pad, bb.h + 2 * pad].map(function (v) {
      return v.toFixed(1);
    }).join(' '));
    svg.setAttribute('width', String(Math.round(bb.w + 2 * pad)));
    svg.setAttribute('height', String(Math.round(bb.h + 2 * pad)));
    svg.setAttribute('font-family', 'system-ui, Arial, sans-serif');
    var make = function (tag, attrs, text) {
      var e = document.createElementNS(NS, tag);
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, xmlText(attrs[k])); });
      if (text !== undefined && text !== null) { e.textContent = xmlText(text); }
      return e;
    };
    svg.appendChild(make('title', {}, 'Circles community map (' + state.view + ')'));
    svg.appendChild(make('rect', { x: bb.x1 - pad, y: bb.y1 - pad, width: bb.w + 2 * pad, height: bb.h + 2 * pad,
      fill: '#ffffff' }));
    var circle = function (n) {
      var p = n.position();
      var dashed = n.style('border-style') === 'dashed';
      return make('circle', { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: (n.width() / 2).toFixed(1),
        fill: n.style('background-color'), 'fill-opacity': n.style('background-opacity'),
        stroke: n.style('border-color'), 'stroke-width': n.numericStyle('border-width'),
        'stroke-dasharray': dashed ? '6 4' : 'none' });
    };
    var guides = make('g', { id: 'circles' });
    visible.nodes('.guide').forEach(function (n) { guides.appendChild(circle(n)); });
    svg.appendChild(guides);
    var ties = make('g', { id: 'ties' });
    visible.edges().forEach(function (e) {
      var s = e.source().position(), t = e.target().position();
      ties.appendChild(make('line', { x1: s.x.toFixed(1), y1: s.y.toFixed(1), x2: t.x.toFixed(1), y2: t.y.toFixed(1),
        stroke: e.style('line-color'), 'stroke-width': e.numericStyle('width'), 'stroke-opacity': e.style('opacity'),
        'stroke-dasharray': e.style('line-style') === 'dashed' ? '6 4' : 'none' }));
    });
    svg.appendChild(ties);
    var nodes = make('g', { id: 'nodes' });
    visible.nodes().not('.guide, .guide-label').forEach(function (n) { nodes.appendChild(circle(n)); });
    svg.appendChild(nodes);
    var labels = make('g', { id: 'labels', 'text-anchor': 'middle', 'paint-order': 'stroke', stroke: '#ffffff',
      'stroke-width': 3, 'stroke-linejoin': 'round', fill: '#1b1f24' });
    visible.nodes('.labelled, .guide-label').not('.quiet').forEach(function (n) {
      var box = n.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false });
      var size = n.numericStyle('font-size');
      labels.appendChild(make('text', { x: ((box.x1 + box.x2) / 2).toFixed(1),
        y: ((box.y1 + box.y2) / 2 + size * 0.35).toFixed(1), 'font-size': size.toFixed(2),
        'font-weight': n.style('font-weight') }, n.data('name')));
    });
    svg.appendChild(labels);
    return new XMLSerializer().serializeToString(svg);
  }

  function exportSvg() {
    download(new Blob([svgText()], { type: 'image/svg+xml' }), 'circles-map.svg');
  }

  function exportGraphml() {
    var url = state.mapUrl + (state.mapUrl.indexOf('?') >= 0 ? '&' : '?') + 'format=graphml';
    return call('GET', url, undefined, 'application/graphml+xml').then(function (blob) {
      download(blob, 'circles-map.graphml');
    }, function (err) { if (err.status !== 401) { setNote('GraphML export failed: ' + err.message); } });
  }

  // ---- Controls -------------------------------------------------------------------------------------------------

  function syncViewRadios() {
    document.querySelectorAll('input[name=view]').forEach(function (r) { r.checked = r.value === state.view; });
  }

  function setView(view) {
    state.view = view;
    state.communityId = null;
    syncViewRadios();
    return load();
  }

  function fillLevels() {
    var sel = $('level');
    sel.textContent = '';
    for (var i = 0; i < Math.max(1, state.levels); i++) {
      var o = el('option', i + (i === 0 ? ' — coarsest' : i === state.levels - 1 ? ' — finest' : ''));
      o.value = String(i);
      sel.appendChild(o);
    }
    sel.value = String(Math.min(state.level, state.levels - 1));
  }

  function applyKinds() {
    if (!cy) { return; }
    cy.batch(function () {
      cy.nodes().forEach(function (n) { n.toggleClass('hidden-kind', !!state.hiddenKinds[n.data('kind')]); });
    });
  }

  function checks(container, values, checked, onChange) {
    values.forEach(function (v) {
      var label = el('label');
      var box = document.createElement('input');
      box.type = 'checkbox';
      box.value = v;
      box.checked = checked;
      box.defaultChecked = checked; // what forget() returns to
      box.addEventListener('change', onChange);
      label.appendChild(box);
      label.appendChild(document.createTextNode(' ' + v.toLowerCase().replace(/_/g, ' ')));
      container.appendChild(label);
    });
  }

  /** Keyboard access to the canvas: arrows walk the contacts by influence, Enter opens, Space selects. */
  function canvasKeys(ev) {
    if (!cy || !cy.nodes().length) { return; }
    var nodes = cy.nodes('.contact:visible, .community:visible, .ring-group:visible').sort(function (a, b) { return (b.data('influence') || 0) - (a.data('influence') || 0); });
    var current = cy.nodes('.focused');
    var i = current.length ? nodes.indexOf(current[0]) : -1;
    if (ev.key === 'ArrowRight' || ev.key === 'ArrowDown' || ev.key === 'ArrowLeft' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      var step = ev.key === 'ArrowRight' || ev.key === 'ArrowDown' ? 1 : -1;
      var next = nodes[(i + step + nodes.length) % nodes.length];
      cy.nodes('.focused').removeClass('focused');
      next.addClass('focused');
      setNote('Contact ' + (next.data('name') || next.id()) + ' — Enter opens its details, Space selects it.');
    } else if (ev.key === 'Enter' && current.length) {
      ev.preventDefault();
      openPanel(current[0]);
    } else if (ev.key === ' ' && current.length) {
      ev.preventDefault();
      if (current.selected()) { current.unselect(); } else { current.select(); }
    }
  }

  function wire() {
    $('signin-form').addEventListener('submit', function (ev) { ev.preventDefault(); signIn($('token-input').value); });
    $('dev-token-button').addEventListener('click', devToken);
    $('signout').addEventListener('click', function () { signedOut('Signed out.'); });
    var input = $('search-input');
    input.addEventListener('input', function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(function () { search(input.value); }, 200);
    });
    input.addEventListener('keydown', function (ev) {
      if (ev.key === 'ArrowDown') { ev.preventDefault(); highlight(active + 1); }
      else if (ev.key === 'ArrowUp') { ev.preventDefault(); highlight(active - 1); }
      else if (ev.key === 'Enter') { ev.preventDefault(); choose(active < 0 ? 0 : active); }
      else if (ev.key === 'Escape') { closeResults(); }
    });
    input.addEventListener('blur', function () { setTimeout(closeResults, 150); });
    document.querySelectorAll('input[name=view]').forEach(function (r) {
      r.addEventListener('change', function () { if (r.checked) { setView(r.value); } });
    });
    $('depth').addEventListener('change', load);
    $('level').addEventListener('change', function () {
      state.level = parseInt($('level').value, 10) || 0;
      if (state.view !== 'rings') { load(); }
    });
    var min = $('min-strength');
    min.addEventListener('input', function () { $('min-strength-value').textContent = parseFloat(min.value).toFixed(2); });
    min.addEventListener('change', load);
    checks($('tie-types'), TIE_TYPES, true, load);
    checks($('kinds'), KINDS, true, function (ev) {
      state.hiddenKinds[ev.target.value] = !ev.target.checked;
      applyKinds();
      declutter();
    });
    $('segment-button').addEventListener('click', startSegment);
    $('png-button').addEventListener('click', exportPng);
    $('svg-button').addEventListener('click', exportSvg);
    $('links-per').addEventListener('change', function () { if (cy && state.view === 'overview') { filterLinks(); } });
    $('summarise').addEventListener('change', function () { if (state.view === 'rings') { load(); } });
    $('graphml-button').addEventListener('click', exportGraphml);
    $('panel-close').addEventListener('click', function () {
      $('panel').hidden = true;
      if (cy) { cy.nodes('.focused').removeClass('focused'); }
      $('cy').focus();
    });
    $('cy').addEventListener('keydown', canvasKeys);
  }

  // For tests and the curious: the page's own entry points.
  api.signIn = signIn;
  api.setView = setView;
  api.load = load;
  api.openPanel = function (id) { return openPanel(cy.getElementById(id)); };
  api.startSegment = startSegment;
  api.loadCommunity = loadCommunity;
  api.declutter = declutter;
  api.svg = function () { return svgText(); };

  document.addEventListener('DOMContentLoaded', function () {
    wire();
    probeDevTokens();
    if (typeof cytoscape !== 'function') {
      signedOut('The drawing library did not load; reload the page.');
      return;
    }
    var saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved) { signIn(saved); } else { signedOut(''); }
  });
}());
