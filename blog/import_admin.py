"""The dashboard's Import page, ``/dashboard/import/``: a blogger brings posts into their
own blog in two steps.

1. Upload a file: ``blog.imports`` reads and checks it, and the rows and problems are kept
   as an ``ImportJob`` in "preview": the page lists every problem by row, what will be
   imported, and which links clash with posts already there.
2. Confirm, choosing what a clashing link does (a number is added, or the row is
   skipped): ``blog.import_posts`` imports in the background while the page shows its
   progress (it reloads itself, no JavaScript needed), then the report.

Jobs are looked up through the user's own blog only, so nobody sees or starts another
blog's import. Staff import into their own blog like anyone; moving posts between blogs
is not something staff do from here.
"""

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from blog.analytics_admin import own_blog
from blog.import_posts import may_restart, progress, start_import
from blog.imports import UnreadableUpload, check_records, read_upload
from blog.models import ImportJob, PostPage

NAMESPACE = "bearcms_import"
PROBLEMS_PER_PAGE = 100
ROWS_SHOWN = 50
RECENT_JOBS = 10


class UploadForm(forms.Form):
    file = forms.FileField(
        help_text="Bear Blog's CSV export, a ZIP of Markdown files (such as this "
        f"dashboard's export), or one Markdown file. At most {settings.IMPORT_MAX_UPLOAD_MB} MB."
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                f"This file is {file.size / 1024 / 1024:.1f} MB; at most "
                f"{settings.IMPORT_MAX_UPLOAD_MB} MB can be imported at once. Split it."
            )
        try:
            self.records, self.notices = read_upload(file.name, file.read())
        except UnreadableUpload as error:
            raise forms.ValidationError(str(error)) from None
        return file


class StartForm(forms.Form):
    on_clash = forms.ChoiceField(
        label="When a post's link is already taken",
        choices=ImportJob.OnClash.choices,
        initial=ImportJob.OnClash.SUFFIX,
        widget=forms.RadioSelect,
    )


def blog_of(request):
    blog = own_blog(request.user)
    if blog is None:
        raise Http404("You have no blog to import into.")
    return blog


def job_of(request, pk, rows=False):
    """The user's blog's job; its rows (all the posts of the file) only when asked."""
    jobs = ImportJob.objects.filter(blog=blog_of(request))
    return get_object_or_404(jobs if rows else jobs.defer("rows"), pk=pk)


def upload(request):
    """GET: the upload form and the blog's recent imports. POST: read and check the
    file, keep the result as a job in preview, and show it."""
    blog = own_blog(request.user)
    form = UploadForm()
    if blog is not None and request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            job = preview_job(request, blog, form)
            return redirect(f"{NAMESPACE}:job", job.pk)
    jobs = ImportJob.objects.filter(blog=blog).defer("rows", "problems")[:RECENT_JOBS]
    return TemplateResponse(
        request, "blog/admin/import.html", {"blog": blog, "form": form, "jobs": jobs}
    )


def preview_job(request, blog, form):
    taken = set(PostPage.objects.child_of(blog).values_list("slug", flat=True))
    rows, problems = check_records(form.records, taken)
    with transaction.atomic():
        # One preview at a time: an earlier one not confirmed is dropped.
        ImportJob.objects.filter(blog=blog, status=ImportJob.Status.PREVIEW).delete()
        return ImportJob.objects.create(
            blog=blog,
            user=request.user,
            source_name=form.cleaned_data["file"].name[:255],
            rows=rows,
            problems=problems,
            total=len(rows),
            report={"records": len(form.records), "notices": form.notices},
        )


def job_page(request, pk):
    """The preview, the progress, or the report of one import."""
    job = job_of(request, pk)
    startable = job.status in (ImportJob.Status.PREVIEW, ImportJob.Status.FAILED)
    rows = job_of(request, pk, rows=True).rows if startable else []
    problems = Paginator(job.problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "blog/admin/import_job.html",
        {
            "job": job,
            "form": StartForm(initial={"on_clash": job.on_clash}),
            "problems": problems,
            "errors": sum(problem["level"] == "error" for problem in job.problems),
            "clashes": sum(row["clash"] for row in rows),
            "rows_shown": rows[:ROWS_SHOWN],
            "done": progress(job),
            "working": job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
            "may_restart": may_restart(job),
        },
    )


@require_POST
def start(request, pk):
    job = job_of(request, pk)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to do when a post's link is taken.")
    elif not job.total:
        messages.error(request, "Nothing in this file can be imported.")
    elif not start_import(job, form.cleaned_data["on_clash"]):
        messages.warning(request, "This import has started already.")
    return redirect(f"{NAMESPACE}:job", job.pk)


@require_POST
def cancel(request, pk):
    job = job_of(request, pk)
    if job.status == ImportJob.Status.PREVIEW:
        job.delete()
        messages.success(request, "Import cancelled: nothing was imported.")
    return redirect(f"{NAMESPACE}:upload")


@hooks.register("register_admin_urls")
def register_import_urls():
    urls = [
        path("", upload, name="upload"),
        path("<int:pk>/", job_page, name="job"),
        path("<int:pk>/start/", start, name="start"),
        path("<int:pk>/cancel/", cancel, name="cancel"),
    ]
    return [path("import/", include((urls, NAMESPACE), namespace=NAMESPACE))]


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return MenuItem("Import", reverse(f"{NAMESPACE}:upload"), icon_name="upload", order=351)


@hooks.register("register_log_actions")
def register_import_log_action(actions):
    @actions.register_action("bearcms.import")
    class ImportPosts(LogFormatter):
        label = "Import posts"

        def format_message(self, log_entry):
            data = log_entry.data
            skipped = f", skipped {data['skipped']}" if data.get("skipped") else ""
            return f"Imported {data.get('imported', 0)} posts from {data.get('source')}{skipped}"
