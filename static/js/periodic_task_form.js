/* The periodic task form in the admin: show the chosen crontab in words under the field. */
(function () {
  "use strict";
  var $ = django.jQuery;
  var originalHelp = document.currentScript.dataset.crontabHelp || "";
  var readableCrontabs = JSON.parse($("#readable-crontabs").text());

  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    var help = $(".field-crontab .help");
    help.text(originalHelp);
    help.append($("<br>"), document.createTextNode(
      "Translation: " + (readableCrontabs[$("#id_crontab").val()] || "")));
  });
})();
