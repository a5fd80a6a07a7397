from django.urls import path, re_path

from lpse.tenders.views import management, public, vendor, workspace

app_name = "tenders"

CODE = r"(?P<code>[0-9]{6,20})"

urlpatterns = [
    # Public
    path("", public.public_list, name="public_list"),
    path("feed/", public.LatestTendersFeed(), name="feed"),
    re_path(rf"^{CODE}/$", public.public_detail, name="public_detail"),
    re_path(rf"^{CODE}/schedule/$", public.public_schedule, name="public_schedule"),
    # Vendors
    path("mine/", vendor.my_tenders, name="my_tenders"),
    re_path(rf"^{CODE}/join/$", vendor.join, name="join"),
    re_path(rf"^{CODE}/documents/(?P<version>[0-9]+)/$", vendor.document_download,
            name="document_download"),
    re_path(rf"^{CODE}/questions/$", vendor.question_ask, name="question_ask"),
    re_path(rf"^{CODE}/objection/$", vendor.objection_file, name="objection_file"),
    re_path(rf"^{CODE}/qualification/$", vendor.qualification, name="qualification"),
    re_path(rf"^{CODE}/qualification/objection/$", vendor.qualification_objection,
            name="qualification_objection"),
    # Packages and committees
    path("packages/", management.PackageListView.as_view(), name="package_list"),
    path("packages/new/", management.package_create, name="package_create"),
    path("packages/<int:pk>/", management.package_detail, name="package_detail"),
    path("packages/<int:pk>/edit/", management.package_edit, name="package_edit"),
    path("packages/<int:pk>/hand-over/", management.package_hand_over,
         name="package_hand_over"),
    path("packages/<int:pk>/cancel/", management.package_cancel, name="package_cancel"),
    path("packages/<int:pk>/tender/", management.tender_start, name="tender_start"),
    path("committees/", management.CommitteeListView.as_view(), name="committee_list"),
    path("committees/new/", management.committee_create, name="committee_create"),
    path("committees/<int:pk>/", management.committee_detail, name="committee_detail"),
    path("committees/<int:pk>/edit/", management.committee_edit, name="committee_edit"),
    path("committees/<int:pk>/toggle/", management.committee_toggle, name="committee_toggle"),
    # Schedule changes
    path("schedule-changes/", management.ChangeListView.as_view(), name="change_list"),
    path("schedule-changes/<int:pk>/", management.change_detail, name="change_detail"),
    # Workspace
    path("workspace/", workspace.WorkspaceListView.as_view(), name="workspace_list"),
    path("workspace/<int:pk>/", workspace.workspace, name="workspace"),
    path("workspace/<int:pk>/settings/", workspace.tender_settings, name="settings"),
    path("workspace/<int:pk>/schedule/", workspace.tender_schedule, name="schedule"),
    path("workspace/<int:pk>/documents/", workspace.document_upload, name="document_upload"),
    path("workspace/<int:pk>/publish/", workspace.publish, name="publish"),
    path("workspace/<int:pk>/questions/<int:question_pk>/answer/", workspace.question_answer,
         name="question_answer"),
    path("workspace/<int:pk>/qualification/<int:submission_pk>/",
         workspace.qualification_evaluate, name="qualification_evaluate"),
    path("workspace/<int:pk>/prequalification-result/", workspace.prequalification_result,
         name="prequalification_result"),
    path("workspace/<int:pk>/clarification-minutes/", workspace.clarification_minutes,
         name="clarification_minutes"),
    path("workspace/<int:pk>/offers/<int:participant_pk>/", workspace.offer_record,
         name="offer_record"),
    path("workspace/<int:pk>/evaluation/start/", workspace.evaluation_start,
         name="evaluation_start"),
    path("workspace/<int:pk>/evaluation/<int:evaluation_pk>/", workspace.evaluation_edit,
         name="evaluation_edit"),
    path("workspace/<int:pk>/winner/", workspace.winner_set, name="winner_set"),
    path("workspace/<int:pk>/evaluation-minutes/", workspace.evaluation_minutes,
         name="evaluation_minutes"),
    path("workspace/<int:pk>/announce/", workspace.winner_announce, name="winner_announce"),
    path("workspace/<int:pk>/objections/<int:objection_pk>/answer/",
         workspace.objection_answer, name="objection_answer"),
    path("workspace/<int:pk>/reevaluation/", workspace.evaluation_reopen,
         name="evaluation_reopen"),
    path("workspace/<int:pk>/fail/", workspace.fail, name="fail"),
    path("workspace/<int:pk>/cancel/", workspace.cancel, name="cancel"),
    path("workspace/<int:pk>/retender/", workspace.retender, name="retender"),
    path("workspace/<int:pk>/award/", workspace.award_letter, name="award_letter"),
    path("workspace/<int:pk>/contract/", workspace.contract, name="contract"),
]
