/* Which of the clinic's numbers to call now (templates/includes/clinic_phones.html).

   Pages are cached whole, so the server shows both numbers with the opening hours and never
   chooses by its clock. Here, on the reader's device, the current time in the clinic's time zone
   (Intl, from data-time-zone) is compared with the opening days and hours: the number that
   answers now is marked ("Call this number now", a label the page already holds in its language)
   and the call button on phones dials it. Without this script both numbers stay as they are. */
(function () {
  "use strict";

  function minutesOf(clock) {
    var parts = clock.split(":");
    return Number(parts[0]) * 60 + Number(parts[1]);
  }

  function clinicClock(timeZone, date) {
    var parts = new Intl.DateTimeFormat("en-US", {
      timeZone: timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(date);
    var found = {};
    parts.forEach(function (part) { found[part.type] = part.value; });
    return { day: found.weekday, minutes: Number(found.hour) % 24 * 60 + Number(found.minute) };
  }

  function isOpen(hours, date) {
    var now = clinicClock(hours.dataset.timeZone, date);
    return hours.dataset.openDays.split(" ").indexOf(now.day) !== -1 &&
      now.minutes >= minutesOf(hours.dataset.opens) && now.minutes < minutesOf(hours.dataset.closes);
  }

  function mark(hours, open) {
    var current = open ? "call-option--open" : "call-option--closed";
    hours.querySelectorAll(".call-option").forEach(function (option) {
      var now = option.classList.contains(current);
      option.classList.toggle("call-option--now", now);
      var label = option.querySelector(".call-option__now");
      if (label) { label.hidden = !now; }
    });
  }

  function update() {
    var lists = document.querySelectorAll("[data-call-hours]");
    if (!lists.length) { return; }
    var open;
    try {
      open = isOpen(lists[0], new Date());
    } catch (error) {
      return; // a time zone this browser does not know: both numbers stay as they are
    }
    lists.forEach(function (hours) { mark(hours, open); });
    var option = lists[0].querySelector(open ? ".call-option--open" : ".call-option--closed");
    var button = document.querySelector(".site-header__phone");
    if (button && option) {
      button.href = "tel:" + option.dataset.phone.replace(/\s+/g, "");
      var number = button.querySelector("bdi");
      if (number) { number.textContent = option.dataset.phone; }
    }
  }

  update();
  // A page left open over closing time follows the clock.
  window.setInterval(update, 60 * 1000);
}());
