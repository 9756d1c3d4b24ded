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
    level: 0,
    levels: 1
  };
  var cy = null;
  var api = window.circlesMap = { state: state, renders: 0, lastRender: null, cy: null };

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

  function signedOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    $('app').hidden = true;
    $('signin-view').hidden = false;
    $('signout').hidden = true;
    $('who').textContent = '';
    $('signin-message').textContent = message || '';
    $('panel').hidden = true;
    document.body.dataset.state = 'signed-out';
    $('token-input').focus();
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
    state.token = token;
    // One cheap call proves the server accepts the token before the page opens.
    return call('GET', API + '/contacts?limit=1').then(function () {
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

  function call(method, url, body, accept) {
    if (!state.token) {
      signedOut('You are not signed in: paste a token first.');
      return Promise.reject({ status: 401, message: 'not signed in' });
    }
    var headers = { 'Authorization': 'Bearer ' + state.token, 'Accept': accept || 'application/json' };
    if (body !== undefined) { headers['Content-Type'] = 'application/json'; }
    return fetch(url, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) {
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
    if (state.view === 'overview') { setView('rings'); } else { load(); }
  }

  // ---- Loading and drawing maps ---------------------------------------------------------------------------------

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
    if (!state.centre) {
      setNote('Find a contact to draw their circles, or open the Overview of all communities.');
      return Promise.resolve();
    }
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
      ? call('GET', API + '/contacts/' + encodeURIComponent(state.centre.id) + '/communities').catch(function () { return null; })
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
      minZoom: 0.05,
      maxZoom: 4,
      pixelRatio: 1,                 // crisp enough, and keeps 2,000 nodes fluid
      textureOnViewport: true,       // pan and zoom move a bitmap of large graphs instead of redrawing
      hideEdgesOnViewport: true,
      motionBlur: false,
      boxSelectionEnabled: true,
      selectionType: 'additive',
      style: [
        { selector: 'node', style: {
          'background-color': 'data(colour)', 'width': 'data(diameter)', 'height': 'data(diameter)',
          'label': 'data(label)', 'font-size': 11, 'color': '#1b1f24', 'text-valign': 'bottom', 'text-margin-y': 3,
          'text-background-color': '#ffffff', 'text-background-opacity': 0.8, 'text-background-padding': 1,
          'min-zoomed-font-size': 9, 'border-width': 1, 'border-color': '#ffffff' } },
        { selector: 'node.community', style: { 'font-size': 40, 'min-zoomed-font-size': 0, 'text-valign': 'bottom',
          'text-margin-y': 4, 'text-background-opacity': 0.85 } },
        { selector: 'node.centre', style: { 'border-width': 4, 'border-color': '#1b1f24', 'font-weight': 'bold',
          'z-index': 10 } },
        { selector: 'node.own', style: { 'border-width': 5, 'border-color': '#e8a200' } },
        { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#e8a200', 'overlay-opacity': 0 } },
        { selector: 'node.focused', style: { 'overlay-color': '#e8a200', 'overlay-opacity': 0.35,
          'overlay-padding': 6 } },
        { selector: 'node.hidden-kind', style: { 'display': 'none' } },
        { selector: 'edge', style: { 'width': 'data(width)', 'line-color': '#8a939f', 'opacity': 'data(opacity)',
          'curve-style': 'haystack' } },
        { selector: 'edge.link', style: { 'line-color': '#3d4550' } }
      ]
    });
    cy.on('tap', 'node', function (ev) { openPanel(ev.target); });
    cy.on('select unselect', 'node', updateSelection);
    return cy;
  }

  function diameter(influence, max, min, range) {
    if (influence === null || influence === undefined || !max) { return min + 4; }
    return min + Math.sqrt(influence / max) * range;
  }

  /**
   * Concentric bands: each circle of ties starts a new band, and a band holds at most 12 times its number of
   * contacts, so that a large outer circle wraps onto further bands instead of piling up on one. Within a circle
   * contacts are ordered by community, so that neighbours in a band tend to belong together.
   */
  function ringBands(nodes) {
    var byRing = {};
    nodes.forEach(function (d) { var r = d.ring || 0; (byRing[r] = byRing[r] || []).push(d); });
    var bands = {};
    var band = 0;
    Object.keys(byRing).map(Number).sort(function (a, b) { return a - b; }).forEach(function (r) {
      var members = byRing[r].sort(function (a, b) {
        return (communityAt(a) || 0) - (communityAt(b) || 0) || (b.influence || 0) - (a.influence || 0);
      });
      var used = 0;
      members.forEach(function (d) {
        if (used >= Math.max(1, 12 * band)) { band += 1; used = 0; }
        bands[d.id] = band;
        used += 1;
      });
      band += 1;
    });
    return bands;
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

  function elementsOf(map, own) {
    var nodes = map.elements.nodes.map(function (n) { return n.data; });
    var maxInfluence = 0;
    var levels = 1;
    nodes.forEach(function (d) {
      if (d.influence > maxInfluence) { maxInfluence = d.influence; }
      if (d.communities && d.communities.length > levels) { levels = d.communities.length; }
    });
    if (levels !== state.levels && state.view !== 'overview') { state.levels = levels; fillLevels(); }
    var overview = state.view === 'overview';
    // Large maps name only the most influential contacts: 2,000 labels would be unreadable and slow to draw.
    var labelled = {};
    if (nodes.length > 300) {
      nodes.slice().sort(function (a, b) { return (b.influence || 0) - (a.influence || 0); }).slice(0, 40)
        .forEach(function (d) { labelled[d.id] = true; });
    }
    var bands = state.view === 'rings' ? ringBands(nodes) : {};
    assignSlots(nodes.map(function (d) { return overview ? d.community : communityAt(d); }));
    var els = [];
    nodes.forEach(function (d) {
      var colour = overview ? communityColour(d.community)
        : state.view === 'community' ? communityColour(communityAt(d)) : (KIND_COLOURS[d.kind] || '#6B6B6B');
      var classes = [];
      if (state.centre && d.id === state.centre.id && !overview) { classes.push('centre'); }
      if (overview && own && own[d.community]) { classes.push('own'); }
      if (!overview && state.hiddenKinds[d.kind]) { classes.push('hidden-kind'); }
      if (overview) { classes.push('community'); }
      els.push({ group: 'nodes', classes: classes.join(' '), data: {
        id: d.id, name: d.label || '', kind: d.kind, band: bands[d.id],
        label: nodes.length <= 300 || labelled[d.id] || (state.centre && d.id === state.centre.id) ? d.label || '' : '', community: d.community, group: overview ? d.community : communityAt(d),
        ring: d.ring, influence: d.influence, size: d.size, colour: colour,
        diameter: overview ? 24 + Math.sqrt(d.size || 1) * 6 : diameter(d.influence, maxInfluence, nodes.length > 500 ? 5 : 10, nodes.length > 500 ? 14 : 30)
      } });
    });
    map.elements.edges.forEach(function (e) {
      var d = e.data;
      els.push({ group: 'edges', classes: overview ? 'link' : '', data: {
        id: 'e-' + d.id, source: d.source, target: d.target, type: d.type, strength: d.strength,
        width: 0.5 + (d.strength || 0) * (overview ? 10 : 4),
        opacity: overview ? 0.1 + 0.8 * (d.strength || 0) : 0.55
      } });
    });
    return els;
  }

  function layoutFor(count) {
    if (state.view === 'rings') {
      // The chosen contact in the middle, each circle of ties a ring around it.
      return { name: 'concentric', fit: true, padding: 30, animate: false, avoidOverlap: count <= 300,
        minNodeSpacing: count > 300 ? 1 : 8, concentric: function (n) { return 1000 - (n.data('band') || 0); },
        levelWidth: function () { return 1; } };
    }
    if (state.view === 'overview' && count <= 30) {
      return { name: 'cose', fit: true, padding: 30, animate: false, randomize: false, numIter: 800,
        idealEdgeLength: function () { return 120; }, nodeRepulsion: function () { return 400000; } };
    }
    if (state.view === 'overview') {
      // Many communities are mostly all linked to each other: a force layout knots them; a circle, largest first,
      // keeps every community readable and lets the strong links stand out.
      return { name: 'circle', fit: true, padding: 30, animate: false, avoidOverlap: true,
        sort: function (a, b) { return (b.data('size') || 0) - (a.data('size') || 0); } };
    }
    // Communities: each community a packed disc (largest in the middle), discs on a spiral. Linear in the number of
    // nodes, where a force-directed layout of 2,000 nodes would keep a laptop busy for many seconds.
    return { name: 'preset', fit: true, padding: 30, animate: false, positions: clusterPositions() };
  }

  function clusterPositions() {
    var groups = {};
    cy.nodes().forEach(function (n) {
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

  function draw(map, fetchedMs, why, own) {
    ensureCy();
    var started = performance.now();
    var els = elementsOf(map, own);
    cy.startBatch();
    cy.elements().remove();
    cy.add(els);
    cy.endBatch();
    var layout = cy.layout(layoutFor(cy.nodes().length));
    return new Promise(function (resolve) {
      layout.one('layoutstop', function () {
        // Two frames: the first paints, the second proves the paint is done.
        requestAnimationFrame(function () {
          requestAnimationFrame(function () {
            var renderMs = performance.now() - started;
            api.renders += 1;
            api.lastRender = { view: state.view, nodes: cy.nodes().length, edges: cy.edges().length,
              fetchMs: Math.round(fetchedMs || 0), renderMs: Math.round(renderMs) };
            document.body.dataset.state = 'ready';
            resolve(api.lastRender);
          });
        });
      });
      layout.run();
      state.map = map;
      legend();
      var notes = [];
      if (why) { notes.push(why); }
      if (map.note) { notes.push(map.note); }
      if (!why && state.view !== 'overview' && state.centre) {
        notes.push(cy.nodes().length + ' contacts and ' + cy.edges().length + ' ties around ' + state.centre.name
          + (state.view === 'rings' ? ', by circle' : ', coloured by community (level ' + state.level + ')') + '.');
      }
      setNote(notes.join(' '));
      ['png-button', 'graphml-button'].forEach(function (b) { $(b).disabled = false; });
      updateSelection();
    });
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
      cy.nodes().forEach(function (n) { present[n.data('kind')] = true; });
      KINDS.forEach(function (k) { if (present[k]) { add(KIND_COLOURS[k], k.toLowerCase().replace(/_/g, ' ')); } });
      ul.appendChild(el('li', 'Size: influence (PageRank) · line width: tie strength · rings: circles of ties'));
    } else {
      var counts = {};
      cy.nodes().forEach(function (n) { var g = n.data('group'); counts[g] = (counts[g] || 0) + 1; });
      var top = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; }).slice(0, 8);
      top.forEach(function (g) {
        add(communityColour(g === 'null' || g === 'undefined' ? null : Number(g)),
          (g === 'null' || g === 'undefined' ? 'no community' : 'community ' + g)
          + (state.view === 'overview' ? '' : ' (' + counts[g] + ')'));
      });
      ul.appendChild(el('li', state.view === 'overview'
        ? 'Each circle is a community (size: members); lines: ties between communities'
        : 'Colour: community at level ' + state.level + ' · size: influence · line width: tie strength'));
    }
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
    var id = node.id();
    $('panel-title').textContent = node.data('name') || id;
    body.appendChild(el('p', 'Loading…', 'hint'));
    var enc = encodeURIComponent(id);
    var soft = function (p) { return p.catch(function (e) { return { failed: e }; }); };
    return Promise.all([
      call('GET', API + '/contacts/' + enc),
      soft(call('GET', API + '/contacts/' + enc + '/communities')),
      soft(call('GET', API + '/influencers?limit=1&contact=' + enc))
    ]).then(function (all) {
      if (node.hasClass('focused')) { fillPanel(all[0], all[1], all[2]); }
    }, function (err) {
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
        cl.appendChild(el('li', 'Level ' + m.level + ': community ' + m.communityId + ' (' + m.size + ' members) — '
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
    $('panel-title').textContent = 'Community ' + id;
    var body = $('panel-body');
    body.appendChild(el('p', 'Loading…', 'hint'));
    return call('GET', API + '/communities/' + id).then(function (c) {
      body.textContent = '';
      var s = c.summary;
      var dl = el('dl');
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
      var open = el('button', 'Draw this community', 'open');
      open.type = 'button';
      open.addEventListener('click', function () { loadCommunity(id); });
      body.appendChild(open);
    }, function (err) { body.textContent = ''; body.appendChild(el('p', 'Could not load: ' + err.message, 'message')); });
  }

  function loadCommunity(id) {
    var url = API + '/maps/communities/' + id + '?' + filterParams().replace(/^&/, '');
    state.view = 'community';
    syncViewRadios();
    document.body.dataset.state = 'loading';
    var started = performance.now();
    return call('GET', url).then(function (map) {
      state.mapUrl = url;
      return draw(map, performance.now() - started, 'Community ' + id + ', coloured by its communities at level '
        + state.level + '.');
    }, failed);
  }

  // ---- Selection, segments, exports -----------------------------------------------------------------------------

  function selectedContacts() {
    return cy ? cy.nodes(':selected').filter(function (n) { return n.data('kind') !== 'COMMUNITY'; }) : [];
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
      box.addEventListener('change', onChange);
      label.appendChild(box);
      label.appendChild(document.createTextNode(' ' + v.toLowerCase().replace(/_/g, ' ')));
      container.appendChild(label);
    });
  }

  /** Keyboard access to the canvas: arrows walk the contacts by influence, Enter opens, Space selects. */
  function canvasKeys(ev) {
    if (!cy || !cy.nodes().length) { return; }
    var nodes = cy.nodes(':visible').sort(function (a, b) { return (b.data('influence') || 0) - (a.data('influence') || 0); });
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
    });
    $('segment-button').addEventListener('click', startSegment);
    $('png-button').addEventListener('click', exportPng);
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
