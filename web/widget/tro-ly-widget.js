/*!
 * Trợ lý dịch vụ công — web chat widget for Rasa (socket.io, REST fallback).
 * Plain JavaScript, no build step. Embed with one tag:
 *   <script src="/widget/tro-ly-widget.js" data-server-url="https://rasa.example.gov.vn"
 *           data-title="Trợ lý dịch vụ công" data-primary-color="#0b4f8a" defer></script>
 * or set window.TroLyConfig = {serverUrl: …} before it (data-* attributes win).
 *
 * Everything the bot or the citizen wrote reaches the page through textContent and
 * createElement only; the small Markdown subset (paragraphs, lists, bold, http(s) links)
 * is parsed into DOM nodes, never into an HTML string.
 */
(function () {
  "use strict";

  if (window.TroLy && window.TroLy.version) return; // embedded twice: keep the first

  var VERSION = "1.0.0";
  var script = document.currentScript;

  /* ------------------------------------------------------------------ config */

  var TEXT = {
    launcher: "Hỏi trợ lý",
    launcherLabel: "Mở trợ lý dịch vụ công",
    subtitle: "Hỏi đáp về VNeID, dịch vụ công trực tuyến và chữ ký số",
    close: "Đóng cửa sổ trò chuyện",
    restart: "Bắt đầu lại",
    restartLabel: "Bắt đầu lại cuộc trò chuyện mới",
    human: "Gặp nhân viên hỗ trợ",
    inputLabel: "Nhập câu hỏi của bạn",
    placeholder: "Nhập câu hỏi của bạn…",
    send: "Gửi",
    logLabel: "Nội dung trò chuyện",
    you: "Bạn:",
    bot: "Trợ lý:",
    staff: "Cán bộ hỗ trợ",
    typing: "Trợ lý đang trả lời…",
    privacy: "Đừng gửi mã OTP, mật khẩu hay số định danh cá nhân vào đây.",
    welcome:
      "Xin chào! Tôi là trợ lý tự động của Cổng dịch vụ công. Bạn có thể hỏi về tài khoản VNeID, " +
      "nộp hồ sơ trực tuyến hoặc chữ ký số, có dấu hay không dấu đều được.",
    suggestions: ["Quên mật khẩu VNeID", "Nộp hồ sơ trực tuyến thế nào?", "Chữ ký số là gì?"],
    suggestionsLabel: "Gợi ý câu hỏi",
    repliesLabel: "Lựa chọn trả lời",
    sources: "Nguồn tham khảo",
    reviewed: "cập nhật",
    feedbackQuestion: "Câu trả lời có giúp ích cho bạn không?",
    feedbackYes: "Có ích",
    feedbackNo: "Chưa đúng ý tôi",
    feedbackThanks: "Cảm ơn bạn đã đánh giá.",
    offline: "Không kết nối được tới máy chủ. Tin nhắn của bạn sẽ được gửi khi có kết nối lại.",
    retryIn: "Tự động thử lại sau {s} giây.",
    retrying: "Đang thử kết nối lại…",
    retryNow: "Thử lại ngay",
    reconnected: "Đã kết nối lại. Bạn có thể tiếp tục trò chuyện.",
    pending: "Đang chờ gửi",
    noReply: "Trợ lý chưa phản hồi. Bạn vui lòng gửi lại câu hỏi sau ít phút.",
    newConversation: "Đã bắt đầu cuộc trò chuyện mới.",
    maintenanceTitle: "Thông báo bảo trì",
    maintenanceContacts: "Nếu cần hỗ trợ ngay, bạn có thể liên hệ:",
  };

  function datasetConfig(el) {
    if (!el) return {};
    var d = el.dataset;
    var out = {
      serverUrl: d.serverUrl,
      knowledgeUrl: d.knowledgeUrl,
      title: d.title,
      subtitle: d.subtitle,
      primaryColor: d.primaryColor,
      transport: d.transport,
      socketPath: d.socketPath,
      socketioSrc: d.socketioSrc,
      cssUrl: d.cssUrl,
      storageKey: d.storageKey,
      sessionTtlMinutes: d.sessionTtlMinutes && Number(d.sessionTtlMinutes),
      open: d.open === undefined ? undefined : d.open === "true",
    };
    Object.keys(out).forEach(function (k) {
      if (out[k] === undefined || out[k] === "") delete out[k];
    });
    return out;
  }

  var scriptSrc = (script && script.src) || location.href;
  var config = Object.assign(
    {
      serverUrl: "",
      title: "Trợ lý dịch vụ công",
      subtitle: TEXT.subtitle,
      primaryColor: "#0b4f8a",
      transport: "auto", // "auto" (socket.io, REST if unavailable) | "socketio" | "rest"
      socketPath: "/socket.io",
      socketioSrc: new URL("../vendor/socket.io.min.js", scriptSrc).href,
      cssUrl: new URL("tro-ly-widget.css", scriptSrc).href,
      storageKey: "troly",
      sessionTtlMinutes: 60, // Rasa's session_expiration_time: after that the bot forgets too
      open: false,
      replyTimeoutMs: 30000,
      // The knowledge service (maintenance notice); by default the one serving this script.
      knowledgeUrl: new URL("..", new URL(".", scriptSrc)).href,
      statusPollSeconds: 60,
    },
    window.TroLyConfig || {},
    datasetConfig(script)
  );
  Object.assign(TEXT, config.text || {});
  var serverUrl = String(config.serverUrl || location.origin).replace(/\/+$/, "");

  /* ----------------------------------------------------------------- storage */

  var memory = {};
  function storageGet(area, key) {
    try {
      var raw = window[area].getItem(config.storageKey + ":" + key);
      return raw === null ? null : JSON.parse(raw);
    } catch (e) {
      return memory[area + key] === undefined ? null : memory[area + key];
    }
  }
  function storageSet(area, key, value) {
    memory[area + key] = value;
    try {
      if (value === null) window[area].removeItem(config.storageKey + ":" + key);
      else window[area].setItem(config.storageKey + ":" + key, JSON.stringify(value));
    } catch (e) {
      /* storage disabled or full: the conversation lives in memory only */
    }
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return (b + 0x100).toString(16).slice(1);
      })
      .join("");
  }

  var MAX_HISTORY = 120;
  var HANDOFF_KEEP_MS = 7 * 24 * 60 * 60 * 1000;
  var conversation = loadConversation();

  function loadConversation() {
    var saved = storageGet("localStorage", "conversation");
    var ttl = config.sessionTtlMinutes * 60 * 1000;
    // A conversation handed over to a person is kept for days: the answer may come after hours.
    if (saved && saved.withPerson) ttl = Math.max(ttl, HANDOFF_KEEP_MS);
    if (saved && saved.sessionId && Array.isArray(saved.entries) && Date.now() - saved.lastActive < ttl) {
      return saved;
    }
    return { sessionId: randomId(), entries: [], lastActive: Date.now() };
  }
  function saveConversation() {
    conversation.lastActive = Date.now();
    conversation.entries = conversation.entries.slice(-MAX_HISTORY);
    storageSet("localStorage", "conversation", conversation);
  }

  /* ---------------------------------------------------------------- DOM kit */

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === undefined || value === null || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function safeHttpUrl(raw) {
    try {
      var url = new URL(String(raw));
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  var THUMB = "M2 10h4v11H2zM8 21V10l4.6-7.4c.9-1 2.6-.4 2.6 1.1L14.6 9H20a2 2 0 0 1 2 2.3l-1.3 7.6A2.5 2.5 0 0 1 18.2 21z";

  /** A decorative 24×24 icon drawn from one SVG path. */
  function icon(path, className) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", className || "icon");
    var shape = document.createElementNS(ns, "path");
    shape.setAttribute("d", path);
    shape.setAttribute("fill", "currentColor");
    svg.appendChild(shape);
    return svg;
  }

  function link(href, label) {
    return el("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: label });
  }

  /* -------------------------------------------------- Markdown (safe subset) */

  // **bold** | [label](url) | bare http(s) URL. Everything else stays text.
  var INLINE = /\*\*([^\n]+?)\*\*|\[([^\]\n]+)\]\(([^()\s]+)\)|(https?:\/\/[^\s<>"]*[^\s<>".,;:!?)'])/g;

  function appendInline(parent, text, allowBold) {
    var last = 0;
    var match;
    INLINE.lastIndex = 0;
    var found = [];
    while ((match = INLINE.exec(text)) !== null) found.push(match);
    found.forEach(function (m) {
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      if (m[1] !== undefined && allowBold) {
        var strong = el("strong");
        appendInline(strong, m[1], false);
        parent.appendChild(strong);
      } else if (m[2] !== undefined) {
        var href = safeHttpUrl(m[3]);
        parent.appendChild(href ? link(href, m[2]) : document.createTextNode(m[0]));
      } else if (m[4] !== undefined) {
        var bare = safeHttpUrl(m[4]);
        parent.appendChild(bare ? link(bare, m[4]) : document.createTextNode(m[0]));
      } else {
        parent.appendChild(document.createTextNode(m[0]));
      }
      last = m.index + m[0].length;
    });
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  var ORDERED = /^\s*(\d{1,3})[.)]\s+(.*)$/;
  var UNORDERED = /^\s*[-*+•]\s+(.*)$/;
  var HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;

  /** Paragraphs (line breaks kept), numbered and bulleted lists, ## headings, bold, http(s)
   * links: the subset defined in knowledge/documents/markdown_subset.py, which the staff
   * preview renders with, so staff preview what citizens see. */
  function renderMarkdown(text) {
    var root = el("div", { className: "md" });
    var lines = String(text || "").replace(/\r\n?/g, "\n").split("\n");
    var paragraph = null;
    var list = null;
    lines.forEach(function (line) {
      var ordered = ORDERED.exec(line);
      var unordered = !ordered && UNORDERED.exec(line);
      if (ordered || unordered) {
        var kind = ordered ? "ol" : "ul";
        if (!list || list.tagName.toLowerCase() !== kind) {
          list = el(kind);
          if (ordered && ordered[1] !== "1") list.setAttribute("start", ordered[1]);
          root.appendChild(list);
        }
        var item = el("li");
        appendInline(item, ordered ? ordered[2] : unordered[1], true);
        list.appendChild(item);
        paragraph = null;
        return;
      }
      var heading = HEADING.exec(line);
      if (heading && heading[1]) {
        var title = el("h3");
        appendInline(title, heading[1], false);
        root.appendChild(title);
        list = null;
        paragraph = null;
        return;
      }
      list = null;
      if (!line.trim()) {
        paragraph = null;
        return;
      }
      if (paragraph) paragraph.appendChild(el("br"));
      else root.appendChild((paragraph = el("p")));
      appendInline(paragraph, line, true);
    });
    return root;
  }

  function reviewedVi(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(iso || ""));
    return m ? m[3] + "/" + m[2] + "/" + m[1] : String(iso || "");
  }

  /* -------------------------------------------------------------- transports */

  function backoffDelay(attempt) {
    var base = Math.min(1000 * Math.pow(2, attempt), 30000);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      if (window.io) return resolve(window.io);
      var tag = document.createElement("script");
      tag.src = src;
      tag.async = true;
      tag.onload = function () {
        window.io ? resolve(window.io) : reject(new Error("socket.io client missing"));
      };
      tag.onerror = function () {
        reject(new Error("socket.io client failed to load"));
      };
      document.head.appendChild(tag);
    });
  }

  function restProbe() {
    return fetch(serverUrl + "/webhooks/rest/", { method: "GET", mode: "cors", cache: "no-store" }).then(
      function (r) {
        return r.ok;
      },
      function () {
        return false;
      }
    );
  }

  /**
   * One connection to Rasa. Emits: status(online|connecting|offline, retryMs), message(msg).
   * socket.io first; REST if the socket.io client cannot load or its endpoint is missing
   * while the REST channel answers. Reconnects with exponential backoff and jitter.
   */
  function Connection(handlers) {
    this.handlers = handlers;
    this.mode = config.transport === "rest" ? "rest" : "socketio";
    this.socket = null;
    this.online = false;
    this.everConnected = false;
    this.attempt = 0;
    this.timer = null;
    this.outbox = [];
  }

  Connection.prototype.start = function () {
    var self = this;
    this.status("connecting");
    if (this.mode === "rest") return this.checkRest();
    this.connecting = true;
    loadScript(config.socketioSrc).then(
      function (io) {
        self.openSocket(io);
      },
      function () {
        self.connecting = false;
        if (config.transport === "socketio") return self.scheduleRetry();
        self.mode = "rest";
        self.checkRest();
      }
    );
  };

  /* socket.io's own reconnection, exponential with jitter like the REST mode's backoffDelay. */
  var RECONNECT = { reconnectionDelay: 1000, reconnectionDelayMax: 30000, randomizationFactor: 0.2 };

  /** When socket.io will try next (it does not say): its backoff's next step, without the jitter.
   * Read as a failure is reported, before socket.io schedules that step (its attempts count the
   * steps taken since the last connection). */
  function socketRetryDelay(manager) {
    var attempts = (manager && manager.backoff && manager.backoff.attempts) || 0;
    return Math.min(RECONNECT.reconnectionDelay * Math.pow(2, attempts), RECONNECT.reconnectionDelayMax);
  }

  /** One socket for the page's life: socket.io reconnects it by itself (and rejoins the session). */
  Connection.prototype.openSocket = function (io) {
    var self = this;
    this.connecting = true;
    var socket = io(serverUrl, {
      forceNew: true,
      path: config.socketPath,
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      reconnection: true,
      reconnectionDelay: RECONNECT.reconnectionDelay,
      reconnectionDelayMax: RECONNECT.reconnectionDelayMax,
      randomizationFactor: RECONNECT.randomizationFactor,
      autoConnect: false,
      timeout: 8000,
    });
    this.socket = socket;
    this.armWatchdog();
    socket.on("connect", function () {
      // A handed-over conversation asks for the staff messages it missed while away.
      socket.emit("session_request", { session_id: conversation.sessionId, handoff: !!conversation.withPerson });
    });
    socket.on("session_confirm", function (sessionId) {
      // The server issues session ids: a new widget (or an id it did not issue) gets one; adopt it.
      if (typeof sessionId === "string" && sessionId && sessionId !== conversation.sessionId) {
        conversation.sessionId = sessionId;
        saveConversation(); // a reload must come back with the id the server issued
      }
      self.everConnected = true;
      self.setOnline();
    });
    // A staff message asks for an acknowledgement: only then does the desk count it as
    // delivered (otherwise it waits for this conversation's return).
    socket.on("bot_uttered", function (message, acknowledge) {
      self.handlers.message(message || {});
      if (typeof acknowledge === "function") acknowledge(true);
    });
    socket.on("connect_error", function () {
      self.connectionLost();
    });
    socket.on("disconnect", function (reason) {
      if (reason === "io client disconnect") return; // ours: a retry or the switch to REST
      self.connectionLost();
      // The server closed it on purpose: socket.io leaves that one to us.
      if (reason === "io server disconnect") socket.connect();
    });
    socket.io.on("reconnect_attempt", function () {
      self.connecting = true;
      self.armWatchdog();
      self.status("connecting");
    });
    socket.connect();
  };

  /** Connected but no session_confirm in time counts as a failed attempt too. */
  Connection.prototype.armWatchdog = function () {
    var self = this;
    var socket = this.socket;
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(function () {
      if (!self.online && self.socket === socket) self.reconnectSocket();
    }, 12000);
  };

  /** Tell the server this socket now belongs to a handed-over conversation (staff see when it leaves). */
  Connection.prototype.announceHandoff = function () {
    if (this.socket && this.socket.connected) {
      this.socket.emit("session_request", { session_id: conversation.sessionId, handoff: true });
    }
  };

  Connection.prototype.closeSocket = function () {
    if (!this.socket) return;
    this.socket.off();
    this.socket.io.off();
    this.socket.disconnect();
    this.socket = null;
  };

  /** Now, not at the next scheduled try: the same socket, closed and opened again. */
  Connection.prototype.reconnectSocket = function () {
    this.connecting = true;
    this.armWatchdog();
    this.socket.disconnect();
    this.socket.connect();
  };

  Connection.prototype.connectionLost = function () {
    var self = this;
    var wasOnline = this.online;
    this.online = false;
    this.connecting = false;
    clearTimeout(this.watchdog);
    if (this.mode === "socketio" && !this.everConnected && config.transport === "auto") {
      // socket.io never worked on this page: use REST if the server answers there.
      restProbe().then(function (restWorks) {
        if (restWorks && !self.everConnected && self.mode === "socketio") {
          self.closeSocket();
          self.mode = "rest";
          self.setOnline();
        } else if (!self.online) {
          self.status("offline", socketRetryDelay(self.socket && self.socket.io));
        }
      });
      return;
    }
    if (this.mode === "socketio" && this.socket) {
      this.attempt += wasOnline ? 1 : 0;
      this.status("offline", socketRetryDelay(this.socket.io));
      return;
    }
    this.scheduleRetry();
  };

  /** REST's own retries (socket.io schedules its own). */
  Connection.prototype.scheduleRetry = function () {
    var self = this;
    if (this.timer) return;
    var delay = backoffDelay(this.attempt++);
    this.status("offline", delay);
    this.timer = setTimeout(function () {
      self.timer = null;
      self.retryNow();
    }, delay);
  };

  Connection.prototype.retryNow = function () {
    if (this.online || this.connecting) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.status("connecting");
    if (this.mode === "rest") this.checkRest();
    else if (this.socket) this.reconnectSocket();
    else if (window.io) this.openSocket(window.io);
    else this.start();
  };

  Connection.prototype.checkRest = function () {
    var self = this;
    this.connecting = true;
    restProbe().then(function (ok) {
      self.connecting = false;
      ok ? self.setOnline() : self.scheduleRetry();
    });
  };

  Connection.prototype.setOnline = function () {
    var wasRetrying = this.attempt > 0;
    this.online = true;
    this.connecting = false;
    clearTimeout(this.watchdog);
    this.attempt = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.status("online", wasRetrying);
    var queued = this.outbox.splice(0);
    queued.forEach(this.send, this);
  };

  Connection.prototype.status = function (state, detail) {
    this.handlers.status(state, detail);
  };

  /** Send now if connected; otherwise queue it and try to reconnect at once. */
  Connection.prototype.send = function (item) {
    if (!this.online) {
      this.outbox.push(item);
      this.retryNow();
      return false;
    }
    if (this.mode === "socketio") {
      this.socket.emit("user_uttered", { message: item.message, session_id: conversation.sessionId });
      this.handlers.sent(item);
      return true;
    }
    var self = this;
    fetch(serverUrl + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: conversation.sessionId, message: item.message }),
    })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(
        function (replies) {
          self.handlers.sent(item);
          (Array.isArray(replies) ? replies : []).forEach(function (reply) {
            self.handlers.message(reply);
          });
          self.handlers.turnEnd();
        },
        function () {
          self.online = false;
          self.outbox.unshift(item);
          self.scheduleRetry();
        }
      );
    return true;
  };

  /** A new session: socket.io gets a fresh session_request on a fresh connection. */
  Connection.prototype.restart = function () {
    this.outbox = [];
    if (this.mode === "socketio" && window.io) {
      this.online = false;
      this.status("connecting");
      this.openSocket(window.io);
    }
  };

  /* ------------------------------------------------------------------- view */

  var host = el("div", { id: "troly-widget", "data-troly": VERSION, style: "display:none" });
  var shadow = host.attachShadow({ mode: "open" });
  var styleLink = el("link", { rel: "stylesheet", href: config.cssUrl });

  var ui = {};
  ui.launcher = el("button", {
    type: "button",
    className: "launcher",
    "aria-label": TEXT.launcherLabel,
    "aria-expanded": "false",
    "aria-controls": "troly-panel",
    onclick: function () {
      toggle(true);
    },
  }, [icon("M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"), el("span", { text: TEXT.launcher })]);

  ui.title = el("h2", { id: "troly-title", text: config.title });
  ui.restart = el("button", {
    type: "button",
    className: "header-button",
    "aria-label": TEXT.restartLabel,
    onclick: restartConversation,
  }, [el("span", { "aria-hidden": "true", text: "↻ " }), el("span", { text: TEXT.restart })]);
  ui.close = el("button", {
    type: "button",
    className: "header-button close",
    "aria-label": TEXT.close,
    onclick: function () {
      toggle(false);
    },
  }, [icon("M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z")]);
  ui.status = el("div", { className: "status", role: "status", "aria-live": "polite", hidden: true });
  ui.maintenance = el("div", { className: "maintenance", role: "alert", hidden: true });
  ui.log = el("div", {
    className: "log",
    id: "troly-log",
    role: "log",
    "aria-live": "polite",
    "aria-relevant": "additions",
    "aria-label": TEXT.logLabel,
    tabindex: "0",
  });
  ui.typing = el("div", { className: "typing", hidden: true, "aria-hidden": "true" }, [
    el("span", { className: "dots" }, [el("i"), el("i"), el("i")]),
  ]);
  ui.typingStatus = el("div", { className: "sr-only", role: "status", "aria-live": "polite" });
  ui.input = el("textarea", {
    id: "troly-input",
    rows: "1",
    maxlength: "1000",
    placeholder: TEXT.placeholder,
    "aria-label": TEXT.inputLabel,
    autocomplete: "off",
    enterkeyhint: "send",
  });
  ui.send = el("button", { type: "submit", className: "send", "aria-label": TEXT.send }, [
    icon("M3 20.5 21 12 3 3.5l2.5 7L15 12l-9.5 1.5z"),
  ]);
  ui.form = el("form", { className: "composer", onsubmit: onSubmit }, [ui.input, ui.send]);
  ui.human = el("button", {
    type: "button",
    className: "human",
    onclick: function () {
      sendMessage("/request_human", TEXT.human);
    },
  }, [icon("M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm0 2c-4.4 0-8 2.2-8 5v1h16v-1c0-2.8-3.6-5-8-5z"), el("span", { text: TEXT.human })]);
  ui.panel = el("section", {
    className: "panel",
    id: "troly-panel",
    role: "dialog",
    "aria-labelledby": "troly-title",
    hidden: true,
  }, [
    el("header", { className: "header" }, [
      el("div", { className: "heading" }, [ui.title, el("p", { text: config.subtitle })]),
      ui.restart,
      ui.close,
    ]),
    ui.maintenance,
    ui.status,
    el("div", { className: "scroll" }, [ui.log, ui.typing]),
    el("footer", { className: "footer" }, [
      el("div", { className: "actions" }, [ui.human]),
      ui.form,
      el("p", { className: "privacy", text: TEXT.privacy }),
    ]),
    ui.typingStatus,
  ]);
  shadow.appendChild(styleLink);
  shadow.appendChild(el("div", { className: "root" }, [ui.launcher, ui.panel]));

  function applyColour(colour) {
    if (!colour || !(window.CSS && CSS.supports("color", colour))) return;
    host.style.setProperty("--troly-primary", colour);
    // White or near-black text on the primary colour, whichever reads better (WCAG ratio).
    var probe = el("span", { style: "display:none" });
    probe.style.color = colour;
    document.body.appendChild(probe);
    var rgb = (getComputedStyle(probe).color.match(/\d+(\.\d+)?/g) || []).slice(0, 3).map(Number);
    probe.remove();
    if (rgb.length < 3) return;
    var lum = rgb
      .map(function (c) {
        c /= 255;
        return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
      })
      .reduce(function (sum, c, i) {
        return sum + c * [0.2126, 0.7152, 0.0722][i];
      }, 0);
    host.style.setProperty("--troly-on-primary", 1.05 / (lum + 0.05) >= 4.5 ? "#ffffff" : "#111111");
  }

  /* ------------------------------------------------------- entries and turns */

  var views = {}; // entry id -> its DOM node

  function isFeedbackButton(button) {
    return /^\/feedback\b/.test(String(button.payload || ""));
  }

  function lastUserIndex() {
    for (var i = conversation.entries.length - 1; i >= 0; i--) {
      if (conversation.entries[i].role === "user") return i;
    }
    return -1;
  }

  function latestRateableId() {
    for (var i = conversation.entries.length - 1; i >= 0; i--) {
      var e = conversation.entries[i];
      if (e.role === "bot" && (e.buttons || []).some(isFeedbackButton)) return e.id;
    }
    return null;
  }

  function renderEntry(entry, index) {
    if (entry.role === "user") {
      var node = el("div", { className: "msg msg-user", "data-entry": entry.id }, [
        el("span", { className: "sr-only", text: TEXT.you + " " }),
        el("p", { className: "user-text", text: entry.label || entry.text }),
      ]);
      if (entry.pending) node.appendChild(el("span", { className: "pending", text: TEXT.pending }));
      return node;
    }
    var custom = entry.custom || {};
    if (custom.type === "staff") return renderStaffEntry(entry, custom);
    var bot = el("div", { className: "msg msg-bot", "data-entry": entry.id, "data-type": custom.type || "" }, [
      el("span", { className: "sr-only", text: TEXT.bot + " " }),
    ]);
    var sources = Array.isArray(custom.sources) ? custom.sources : [];
    var showSources = sources.length > 0 && custom.type !== "clarify";
    var text = entry.text || "";
    if (showSources) {
      // The answer text ends with "Nguồn: <url> (cập nhật …)"; the source list below says it better.
      text = text.replace(/\n?\s*Nguồn:\s*\S+\s*\(cập nhật[^)]*\)\s*$/u, "");
    }
    if (text) bot.appendChild(renderMarkdown(text));
    if (showSources) bot.appendChild(renderSources(sources));
    var buttons = entry.buttons || [];
    var feedback = buttons.filter(isFeedbackButton);
    if (feedback.length) {
      var rateable = !entry.feedback && entry.id === latestRateableId();
      if (entry.feedback || rateable) bot.appendChild(renderFeedback(entry, feedback));
    }
    var replies = buttons.filter(function (b) {
      return !isFeedbackButton(b);
    });
    if (replies.length && index > lastUserIndex()) bot.appendChild(renderReplies(entry, replies));
    return bot;
  }

  /** A person's message: marked as such, with the display name the staff member chose. */
  function renderStaffEntry(entry, custom) {
    var name = typeof custom.staff_name === "string" && custom.staff_name ? TEXT.staff + " · " + custom.staff_name : TEXT.staff;
    return el("div", { className: "msg msg-staff", "data-entry": entry.id, "data-type": "staff" }, [
      el("p", { className: "staff-name", text: name }),
      el("p", { className: "staff-text", text: entry.text || "" }),
    ]);
  }

  function renderSources(sources) {
    return el("div", { className: "sources" }, [
      el("p", { className: "sources-title", text: TEXT.sources }),
      el(
        "ul",
        {},
        sources.map(function (source) {
          var title = String(source.title || source.id || "");
          var href = safeHttpUrl(source.url);
          return el("li", { "data-source-id": String(source.id || "") }, [
            href ? link(href, title) : el("span", { text: title }),
            source.reviewed
              ? el("span", { className: "reviewed", text: " · " + TEXT.reviewed + " " + reviewedVi(source.reviewed) })
              : null,
          ]);
        })
      ),
    ]);
  }

  function renderFeedback(entry, buttons) {
    var group = el("div", {
      className: "feedback",
      role: "group",
      "aria-label": TEXT.feedbackQuestion,
      "data-rated": entry.feedback ? "true" : null,
    }, [
      el("span", { className: "feedback-question", text: entry.feedback ? TEXT.feedbackThanks : TEXT.feedbackQuestion }),
    ]);
    buttons.forEach(function (button) {
      var positive = /yes|true/i.test(String(button.payload));
      var chosen = entry.feedback === button.payload;
      group.appendChild(
        el("button", {
          type: "button",
          className: "rate" + (chosen ? " chosen" : ""),
          "aria-pressed": chosen ? "true" : "false",
          "data-feedback": positive ? "yes" : "no",
          disabled: entry.feedback ? true : null,
          onclick: function () {
            entry.feedback = button.payload;
            group.replaceWith(renderFeedback(entry, buttons));
            sendMessage(button.payload, button.title);
          },
        }, [
          icon(THUMB, positive ? "icon" : "icon flip"),
          el("span", { text: positive ? TEXT.feedbackYes : TEXT.feedbackNo }),
        ])
      );
    });
    return group;
  }

  function renderReplies(entry, buttons) {
    return el(
      "div",
      { className: "replies", role: "group", "aria-label": entry.local ? TEXT.suggestionsLabel : TEXT.repliesLabel },
      buttons.map(function (button) {
        return el("button", {
          type: "button",
          className: "reply",
          text: String(button.title || button.payload || ""),
          onclick: function () {
            sendMessage(String(button.payload || button.title), String(button.title || button.payload));
          },
        });
      })
    );
  }

  /* The log is a live region: entries are appended once and later changed only by
     removing parts (used quick replies, stale rating buttons), so a screen reader
     announces each message once. */
  function append(ids) {
    conversation.entries.forEach(function (entry, index) {
      if (ids && ids.indexOf(entry.id) === -1) return;
      views[entry.id] = ui.log.appendChild(renderEntry(entry, index));
    });
  }

  function renderAll() {
    ui.log.replaceChildren();
    views = {};
    append();
    scrollToEnd();
  }

  function removeAll(selector) {
    Array.prototype.forEach.call(ui.log.querySelectorAll(selector), function (node) {
      node.remove();
    });
  }

  function clearPending(entry) {
    if (!entry.pending) return;
    entry.pending = false;
    var mark = views[entry.id] && views[entry.id].querySelector(".pending");
    if (mark) mark.remove();
  }

  function scrollToEnd() {
    var scroller = ui.log.parentNode;
    scroller.scrollTop = scroller.scrollHeight;
  }

  /** Show a new bot turn from its top (with the question above it), not its last line. */
  function scrollToTurn(firstId) {
    var scroller = ui.log.parentNode;
    var first = views[firstId];
    if (!first) return scrollToEnd();
    var anchor = first.previousElementSibling || first;
    scroller.scrollTop = Math.min(anchor.offsetTop - 12, scroller.scrollHeight);
  }

  function addEntry(entry) {
    entry.id = entry.id || randomId().slice(0, 12);
    entry.ts = Date.now();
    conversation.entries.push(entry);
    saveConversation();
    return entry;
  }

  function ensureWelcome() {
    if (conversation.entries.length) return;
    addEntry({
      role: "bot",
      local: true,
      text: TEXT.welcome,
      buttons: TEXT.suggestions.map(function (s) {
        return { title: s, payload: s };
      }),
      custom: { type: "smalltalk", sources: [] },
    });
  }

  /* A bot turn over socket.io arrives as several `bot_uttered` events: text (with
     quick_replies), then the contract's {custom}. Messages are held briefly so the custom
     payload lands on the text it belongs to, then each is drawn once. */
  var turn = { pending: [], timer: null, replyTimer: null };

  function onBotMessage(message) {
    hideTyping(false);
    if (message.custom && typeof message.custom === "object" && typeof message.custom.person === "boolean") {
      setWithPerson(message.custom.person);
    }
    if (message.custom && typeof message.custom === "object" && !message.text) {
      var target = turn.pending[turn.pending.length - 1];
      if (target) target.custom = message.custom;
      else attachLateCustom(message.custom);
      flushTurn();
      return;
    }
    if (message.text === undefined && !message.buttons && !message.quick_replies) return;
    turn.pending.push({
      role: "bot",
      text: typeof message.text === "string" ? message.text : "",
      buttons: (message.buttons || message.quick_replies || [])
        .filter(function (b) {
          return b && (b.title || b.payload);
        })
        .map(function (b) {
          return { title: String(b.title || ""), payload: String(b.payload || "") };
        }),
      custom: message.custom || null,
    });
    clearTimeout(turn.timer);
    if (message.custom) {
      flushTurn(); // text and payload together (a staff message): nothing more to wait for
      return;
    }
    turn.timer = setTimeout(flushTurn, 600);
    showTyping();
  }

  /** The payload came after its text was already drawn: redraw that one message. */
  function attachLateCustom(custom) {
    var index = conversation.entries.length - 1;
    var last = conversation.entries[index];
    if (!last || last.role !== "bot" || last.custom || !views[last.id]) return;
    last.custom = custom;
    saveConversation();
    var fresh = renderEntry(last, index);
    views[last.id].replaceWith(fresh);
    views[last.id] = fresh;
  }

  function flushTurn() {
    clearTimeout(turn.timer);
    var items = turn.pending.splice(0);
    if (!items.length) return;
    var ids = items.map(function (item) {
      return addEntry(item).id;
    });
    hideTyping(true);
    // Only the newest answer can be rated: the bot stores a rating with its last document.
    if (items.some(function (item) { return item.buttons.some(isFeedbackButton); })) {
      removeAll(".feedback:not([data-rated])");
    }
    append(ids);
    scrollToTurn(ids[0]);
  }

  /** While a person holds the conversation, replies come when they come: no typing dots, no timeout. */
  function setWithPerson(value) {
    if (conversation.withPerson === value) return;
    conversation.withPerson = value;
    saveConversation();
    hideTyping(true);
    if (value) connection.announceHandoff();
  }

  function showTyping() {
    if (ui.typing.hidden) ui.typingStatus.textContent = TEXT.typing;
    ui.typing.hidden = false;
    scrollToEnd();
  }

  function hideTyping(done) {
    ui.typing.hidden = true;
    if (done) {
      clearTimeout(turn.replyTimer);
      ui.typingStatus.textContent = "";
    }
  }

  /* ---------------------------------------------------------------- actions */

  function sendMessage(message, label) {
    message = String(message || "").trim();
    if (!message) return;
    var entry = addEntry({ role: "user", text: message, label: label && label !== message ? label : undefined });
    entry.pending = !connection.online;
    removeAll(".replies"); // quick replies belong to the past now
    append([entry.id]);
    scrollToEnd();
    saveConversation();
    connection.send({ message: message, entryId: entry.id });
    if (conversation.withPerson) return;
    showTyping();
    clearTimeout(turn.replyTimer);
    turn.replyTimer = setTimeout(function () {
      if (!connection.online) return;
      hideTyping(true);
      notice(TEXT.noReply);
    }, config.replyTimeoutMs);
  }

  function onSubmit(event) {
    event.preventDefault();
    var text = ui.input.value;
    if (!text.trim()) return;
    ui.input.value = "";
    autosize();
    sendMessage(text);
    ui.input.focus();
  }

  function restartConversation() {
    conversation = { sessionId: randomId(), entries: [], lastActive: Date.now() };
    turn.pending = [];
    clearTimeout(turn.timer);
    hideTyping(true);
    saveConversation();
    connection.restart();
    ensureWelcome();
    renderAll();
    notice(TEXT.newConversation);
    ui.input.focus();
  }

  var noticeTimer = null;
  function notice(message, action, extra) {
    clearTimeout(noticeTimer);
    ui.status.replaceChildren();
    if (!message) {
      ui.status.hidden = true;
      return;
    }
    ui.status.hidden = false;
    ui.status.appendChild(el("span", { className: "status-text", text: message }, [extra]));
    if (action) ui.status.appendChild(action);
  }

  var countdown = null;
  function onStatus(state, detail) {
    host.setAttribute("data-connection", state);
    document.dispatchEvent(
      new CustomEvent("troly:status", { detail: { state: state, retryInMs: state === "offline" ? detail : null } })
    );
    clearInterval(countdown);
    ui.status.className = "status status-" + state;
    if (state === "online") {
      if (detail) {
        notice(TEXT.reconnected);
        noticeTimer = setTimeout(function () {
          notice(null);
        }, 4000);
      } else {
        notice(null);
      }
      markOnce("troly-connected");
      conversation.entries.forEach(clearPending);
      saveConversation();
      return;
    }
    if (state === "connecting") {
      if (host.getAttribute("data-was-offline") === "true") notice(TEXT.retrying);
      return;
    }
    host.setAttribute("data-was-offline", "true");
    hideTyping(true);
    var retryButton = el("button", {
      type: "button",
      className: "retry",
      text: TEXT.retryNow,
      onclick: function () {
        connection.retryNow();
      },
    });
    var until = Date.now() + (detail || 0);
    var clock = el("span", { "aria-hidden": "true" });
    function draw() {
      var seconds = Math.max(1, Math.ceil((until - Date.now()) / 1000));
      clock.textContent = " " + TEXT.retryIn.replace("{s}", seconds);
    }
    draw();
    notice(TEXT.offline, retryButton, clock); // announced once; the countdown is visual only
    countdown = setInterval(draw, 1000);
  }

  function markSent(item) {
    var entry = conversation.entries.filter(function (e) {
      return e.id === item.entryId;
    })[0];
    if (entry && entry.pending) {
      clearPending(entry);
      saveConversation();
      showTyping();
    }
  }

  var connection = new Connection({
    status: onStatus,
    message: onBotMessage,
    sent: markSent,
    turnEnd: flushTurn,
  });

  /* ------------------------------------------------------ open, close, keys */

  function toggle(open, moveFocus) {
    ui.panel.hidden = !open;
    ui.launcher.hidden = open;
    ui.launcher.setAttribute("aria-expanded", open ? "true" : "false");
    host.classList.toggle("is-open", open);
    storageSet("sessionStorage", "open", open);
    if (open) {
      ensureWelcome();
      if (!ui.log.childNodes.length) renderAll();
      scrollToEnd();
      if (moveFocus !== false) ui.input.focus();
    } else if (moveFocus !== false) {
      ui.launcher.focus();
    }
  }

  function autosize() {
    ui.input.style.height = "auto";
    ui.input.style.height = Math.min(ui.input.scrollHeight, 120) + "px";
  }

  ui.input.addEventListener("input", autosize);
  ui.input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ui.form.requestSubmit ? ui.form.requestSubmit() : onSubmit(event);
    }
  });
  ui.panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.stopPropagation();
      toggle(false);
    }
  });
  window.addEventListener("online", function () {
    connection.retryNow();
  });

  /* ------------------------------------------------------------- maintenance */

  // Staff switch a notice on from the admin page or `kb maintenance on`; no deploy needed.
  var knowledgeUrl = String(config.knowledgeUrl).replace(/\/+$/, "");
  function showMaintenance(status) {
    ui.maintenance.replaceChildren();
    ui.maintenance.hidden = !status.maintenance;
    host.setAttribute("data-maintenance", status.maintenance ? "true" : "false");
    if (!status.maintenance) return;
    ui.maintenance.appendChild(el("p", { className: "maintenance-title", text: TEXT.maintenanceTitle }));
    ui.maintenance.appendChild(el("p", { text: status.message || "" }));
    if (status.contacts) {
      ui.maintenance.appendChild(el("p", { text: TEXT.maintenanceContacts }));
      ui.maintenance.appendChild(renderMarkdown(status.contacts));
    }
  }
  function checkStatus() {
    fetch(knowledgeUrl + "/status", { mode: "cors", cache: "no-store" })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (status) {
        if (status) showMaintenance(status);
      })
      .catch(function () {
        /* the knowledge service is optional for chatting: keep the last known notice */
      });
  }

  /* ----------------------------------------------------------------- start */

  function markOnce(name) {
    if (performance.getEntriesByName && !performance.getEntriesByName(name).length && performance.mark) {
      performance.mark(name);
    }
  }

  function mount() {
    document.body.appendChild(host);
    applyColour(config.primaryColor);
    var shown = false;
    function show() {
      if (shown) return;
      shown = true;
      host.style.display = "";
      markOnce("troly-ready");
      api.ready = true;
      document.dispatchEvent(new CustomEvent("troly:ready"));
    }
    styleLink.addEventListener("load", show);
    styleLink.addEventListener("error", show);
    setTimeout(show, 3000);
    if (conversation.entries.length) renderAll();
    // Typed while offline before a reload: still to be sent.
    conversation.entries.forEach(function (e) {
      if (e.role === "user" && e.pending) connection.outbox.push({ message: e.text, entryId: e.id });
    });
    connection.start();
    checkStatus();
    setInterval(checkStatus, Math.max(5, Number(config.statusPollSeconds) || 60) * 1000);
    if (config.open || storageGet("sessionStorage", "open")) toggle(true, false);
  }

  var api = {
    version: VERSION,
    ready: false,
    open: function () {
      toggle(true);
    },
    close: function () {
      toggle(false);
    },
    send: function (text) {
      sendMessage(text);
    },
    restart: restartConversation,
    checkStatus: checkStatus,
    /** The Markdown subset as HTML (the contract the staff preview shares). */
    renderMarkdown: function (text) {
      return renderMarkdown(text).innerHTML;
    },
    get sessionId() {
      return conversation.sessionId;
    },
    get transport() {
      return connection.mode;
    },
    get connected() {
      return connection.online;
    },
  };
  window.TroLy = api;

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
