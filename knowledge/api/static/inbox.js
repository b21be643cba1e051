/* The staff's handoff inbox (/admin/handoffs): polls one page of /admin/api/handoffs (open
   requests by default, newest first) and the selected request's conversation, and claims,
   replies and ends through the same API. A request is known by its number only: the
   conversation id is the citizen's secret and never reaches this page.
   All text from citizens is put in the page as text, never as markup. */
(function () {
  "use strict";

  var root = document.getElementById("inbox");
  if (!root) return;
  var csrf = root.getAttribute("data-csrf");
  var canEdit = root.getAttribute("data-can-edit") === "true";
  var POLL_MS = 2000;
  var PER_PAGE = 20;
  var STATUS = { waiting: "Đang chờ", claimed: "Đang hỗ trợ", closed: "Đã kết thúc", abandoned: "Người dân đã rời đi" };
  var EMPTY = { open: "Không có yêu cầu nào đang mở.", waiting: "Không có yêu cầu nào đang chờ.",
    claimed: "Không có cuộc trò chuyện nào đang được hỗ trợ.", closed: "Chưa có cuộc trò chuyện nào kết thúc.",
    abandoned: "Không có yêu cầu nào bị bỏ dở." };
  var state = { desk: null, view: "open", page: 1, selected: null, current: null, actionsKey: "" };

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (name === "className") node.className = attrs[name];
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), attrs[name]);
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  /* The API gives Vietnam time with its offset: show its own clock, whatever the browser's zone. */
  function clock(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso || "");
    return m ? m[4] + ":" + m[5] + " " + m[3] + "/" + m[2] : "";
  }

  function duration(seconds) {
    if (seconds < 60) return seconds + " giây";
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + " phút " + (seconds % 60) + " giây";
    return Math.floor(minutes / 60) + " giờ " + (minutes % 60) + " phút";
  }

  function showError(message) {
    var box = $("desk-error");
    box.textContent = message || "";
    box.hidden = !message;
  }

  function api(method, path, body) {
    var options = { method: method, credentials: "same-origin", headers: { "X-CSRF-Token": csrf } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch("/admin/api/handoffs" + path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 401) window.location.href = "/admin/login";
        if (!response.ok) {
          var detail = data && data.detail;
          var message = (detail && (detail.message || (typeof detail === "string" ? detail : ""))) ||
            "Không thực hiện được (mã " + response.status + ").";
          throw new Error(message);
        }
        return data;
      });
    });
  }

  function renderStatus() {
    var d = state.desk;
    var office = d.office_open ? "Đang trong giờ làm việc" : "Ngoài giờ làm việc";
    $("desk-status").textContent = office + " (" + d.office_hours + "). Cán bộ đang trực: " + d.staff_online + ".";
    var input = $("display-name");
    if (input && document.activeElement !== input && !input.value) input.value = d.display_name || "";
  }

  function renderQueue() {
    var list = $("queue");
    list.textContent = "";
    var listed = state.desk.handoffs;
    if (!listed.length) list.appendChild(el("li", { className: "muted", text: EMPTY[state.view] || EMPTY.open }));
    listed.forEach(function (h) {
      var wait = h.status === "waiting" ? "chờ " + duration(h.waiting_seconds) : (h.claimed_by ? "cán bộ: " + h.claimed_by : "");
      var item = el("li", {
        "data-handoff": String(h.id), tabindex: "0", "aria-current": String(h.id === state.selected),
        onclick: function () { select(h.id); },
        onkeydown: function (event) { if (event.key === "Enter") select(h.id); },
      }, [
        el("strong", { text: h.label + " " }),
        el("span", { className: "badge " + h.status, text: STATUS[h.status] || h.status }),
        el("div", { className: "muted", text: clock(h.created_at) + (h.live ? "" : " · để lại ngoài giờ") + " · " + wait }),
        el("div", { className: "muted", text: h.last_document ? "Tài liệu bot dùng gần nhất: " + (h.last_document.title || h.last_document.id) : "" }),
      ]);
      list.appendChild(item);
    });
  }

  function renderPager() {
    var d = state.desk;
    var pages = Math.max(1, Math.ceil(d.total / d.per_page));
    $("pager-text").textContent = d.total ? "Trang " + d.page + "/" + pages + " · " + d.total + " yêu cầu" : "";
    $("pager").hidden = !d.total;
    $("page-newer").hidden = $("page-older").hidden = pages < 2;
    $("page-newer").disabled = d.page <= 1;
    $("page-older").disabled = d.page >= pages;
  }

  function line(kind, who, text) {
    return el("div", { className: "line " + kind }, [el("span", { className: "who", text: who }), document.createTextNode(text)]);
  }

  function renderChat() {
    var h = state.current;
    $("chat").hidden = !h;
    if (!h) return;
    $("chat-title").textContent = h.label + " · " + (STATUS[h.status] || h.status);
    $("chat-meta").textContent = (h.citizen_present ? "Người dân đang mở cửa sổ trò chuyện." : "Người dân không còn mở cửa sổ trò chuyện.") +
      (h.last_document ? " Tài liệu bot dùng gần nhất: " + (h.last_document.title || h.last_document.id) + "." : "");
    var log = $("chat-log");
    var atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
    log.textContent = "";
    h.transcript.forEach(function (turn) {
      log.appendChild(line(turn.speaker === "bot" ? "bot" : "citizen", turn.speaker === "bot" ? "Trợ lý tự động" : "Người dân", turn.text));
    });
    log.appendChild(el("div", { className: "divider", text: "— Yêu cầu gặp cán bộ lúc " + clock(h.created_at) + " —" }));
    h.messages.forEach(function (m) {
      var who = m.author === "staff" ? "Cán bộ hỗ trợ" + (m.staff_name ? " · " + m.staff_name : "") : "Người dân";
      log.appendChild(line(m.author, who + " · " + clock(m.created_at) + (m.author === "staff" && !m.delivered ? " · chờ người dân quay lại" : ""), m.text));
    });
    if (atEnd) log.scrollTop = log.scrollHeight;
    renderActions(h);
  }

  /* Redrawn only when what can be done changes, so a reply being typed survives each poll. */
  function renderActions(h) {
    var key = h.id + ":" + h.status + ":" + h.mine;
    if (key === state.actionsKey) return;
    state.actionsKey = key;
    var box = $("chat-actions");
    box.textContent = "";
    if (!canEdit) return;
    if (h.status === "waiting") {
      box.appendChild(el("button", { type: "button", id: "claim", text: "Nhận hỗ trợ", onclick: function () { act("POST", "/" + h.id + "/claim"); } }));
    } else if (h.status === "claimed" && h.mine) {
      var text = el("textarea", { id: "reply-text", maxlength: "2000", "aria-label": "Nội dung trả lời", placeholder: "Nhập câu trả lời cho người dân…" });
      text.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); send(h.id, text); }
      });
      box.appendChild(text);
      box.appendChild(el("div", { className: "row" }, [
        el("button", { type: "button", id: "send-reply", text: "Gửi", onclick: function () { send(h.id, text); } }),
        el("button", { type: "button", id: "close-handoff", className: "secondary", text: "Kết thúc hỗ trợ",
          onclick: function () { act("POST", "/" + h.id + "/close"); } }),
      ]));
    } else if (h.status === "claimed") {
      box.appendChild(el("p", { className: "muted", text: "Cán bộ " + (h.claimed_by || "") + " đang hỗ trợ cuộc trò chuyện này." }));
    }
  }

  function send(id, textarea) {
    var text = textarea.value.trim();
    if (!text) return;
    textarea.value = "";
    api("POST", "/" + id + "/messages", { text: text }).then(function (sent) {
      var notes = [];
      if (sent.text !== text.normalize("NFC")) notes.push("Thông tin cá nhân hoặc mã bí mật trong tin nhắn đã được ẩn trước khi gửi.");
      if (!sent.delivered) notes.push("Người dân chưa mở cửa sổ trò chuyện; tin nhắn sẽ hiện khi họ quay lại.");
      showError(notes.join(" "));
      return refresh();
    }).catch(function (error) { textarea.value = text; showError(error.message); });
  }

  function act(method, path, body) {
    return api(method, path, body).then(function () { showError(""); return refresh(); })
      .catch(function (error) { showError(error.message); return refresh(); });
  }

  /* The selected request stays open while staff page or filter the list: if it is not on
     the page shown, it is read on its own. */
  function loadSelected() {
    var id = state.selected;
    var listed = state.desk ? state.desk.handoffs.filter(function (h) { return h.id === id; })[0] : null;
    if (id === null || listed) { state.current = listed || null; renderChat(); return Promise.resolve(); }
    return api("GET", "/" + id).then(function (h) {
      if (state.selected !== id) return;
      state.current = h;
      renderChat();
    });
  }

  function select(id) {
    state.selected = id;
    state.actionsKey = "";
    renderQueue();
    return loadSelected().catch(function (error) { showError(error.message); });
  }

  function refresh() {
    var query = "?status=" + encodeURIComponent(state.view) + "&page=" + state.page + "&per_page=" + PER_PAGE;
    /* An editor's poll is a check-in (it counts as online); a read-only account only reads. */
    var read = canEdit ? api("POST", "/presence" + query) : api("GET", query);
    return read.then(function (desk) {
      var pages = Math.max(1, Math.ceil(desk.total / desk.per_page));
      if (state.page > pages) { state.page = pages; return refresh(); }  /* requests left the view */
      state.desk = desk;
      if (state.selected === null && desk.handoffs.length) {
        var first = desk.handoffs.filter(function (h) { return h.status === "waiting" || h.mine; })[0];
        if (first) state.selected = first.id;
      }
      renderStatus();
      renderQueue();
      renderPager();
      return loadSelected();
    }).catch(function (error) { showError(error.message); });
  }

  function showPage(page) {
    state.page = page;
    return refresh();
  }

  $("desk-view").addEventListener("change", function (event) {
    state.view = event.target.value;
    state.page = 1;
    refresh();
  });
  $("page-newer").addEventListener("click", function () { showPage(state.page - 1); });
  $("page-older").addEventListener("click", function () { showPage(state.page + 1); });

  var nameForm = $("display-name-form");
  if (nameForm) {
    nameForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = $("display-name").value.trim();
      if (!value) { showError("Bạn nhập tên hiển thị (ví dụ: Lan)."); return; }
      act("PUT", "/display-name", { display_name: value });
    });
  }

  refresh();
  setInterval(refresh, POLL_MS);
})();
