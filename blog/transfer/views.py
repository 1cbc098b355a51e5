"""The dashboard's Import and Export pages.

Export, ``/dashboard/export/``: the blogger downloads their posts as Bear Blog's CSV, or
their whole blog as a ZIP of Markdown (``blog.transfer.export``); staff download any
blog's with ``?blog=<id>``.

Import, ``/dashboard/import/``: a blogger brings posts into their own blog in two steps.

1. Upload a file: ``blog.transfer.uploads`` reads and checks it, and the rows and
   problems are kept as an ``ImportJob`` in "preview": the page lists every problem by
   row, what will be imported, and which links clash with posts already there.
2. Confirm, choosing what a clashing link does (a number is added, or the row is
   skipped): ``blog.transfer.tasks`` imports in the background while the page shows its
   progress (it reloads itself, no JavaScript needed), then the report.

Jobs are looked up through the user's own blog only, so nobody sees or starts another
blog's import. Staff import into their own blog like anyone; moving posts between blogs
is not something staff do from here.
"""

import datetime
import tempfile

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from blog.dashboard.blogs import (
    chosen_blog,
    current_blog,
    for_blog,
    posted_for_another_blog,
    refuse_stale_form,
)
from blog.models import BlogPage, ImportJob, PostPage
from blog.models.permissions import is_staff
from blog.transfer.export import (
    SPOOL_BYTES,
    blog_images,
    post_records,
    posts_csv,
    write_blog_zip,
)
from blog.transfer.tasks import may_restart, progress, start_import
from blog.transfer.uploads import UnreadableUpload, check_records, read_upload

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
            self.upload = read_upload(file.name, file.read())
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
    accept_ignored = forms.BooleanField(
        label="Import without the columns listed above", required=False
    )

    def __init__(self, *args, ignored=(), **kwargs):
        super().__init__(*args, **kwargs)
        # What the file holds beyond what can be imported is lost only when the blogger
        # has said so; without such columns the box is not shown.
        if ignored:
            self.fields["accept_ignored"].required = True
        else:
            del self.fields["accept_ignored"]


def blog_of(request):
    blog = current_blog(request)
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
    blog = current_blog(request)
    if blog is not None and posted_for_another_blog(request, blog):
        return refuse_stale_form(request, blog)
    form = UploadForm()
    if blog is not None and request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            job = preview_job(request, blog, form)
            return redirect(f"{NAMESPACE}:job", job.pk)
    jobs = ImportJob.objects.filter(blog=blog).defer("rows", "problems")[:RECENT_JOBS]
    return TemplateResponse(
        request,
        "blog/admin/import.html",
        {
            "blog": blog,
            "form": form,
            "jobs": jobs,
            "action_url": for_blog(request.path, blog) if blog is not None else "",
        },
    )


def preview_job(request, blog, form):
    taken = set(PostPage.objects.child_of(blog).values_list("slug", flat=True))
    upload = form.upload
    rows, problems = check_records(upload.records, taken)
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
            report={
                "records": len(upload.records),
                "notices": upload.notices,
                "ignored": list(upload.ignored.items()),
            },
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
            "form": StartForm(initial={"on_clash": job.on_clash}, ignored=ignored_of(job)),
            "problems": problems,
            "errors": sum(problem["level"] == "error" for problem in job.problems),
            "clashes": sum(row["clash"] for row in rows),
            "rows_shown": [{**row, "kind": row_kind(row)} for row in rows[:ROWS_SHOWN]],
            "done": progress(job),
            "working": job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
            "may_restart": may_restart(job),
        },
    )


def row_kind(row):
    """What a row becomes, in the preview's words: a page, a draft, a scheduled post."""
    if row["is_page"]:
        return "page"
    if not row["publish"]:
        return "draft"
    date = row["published_date"]
    if date and datetime.datetime.fromisoformat(date) > timezone.now():
        return "scheduled"
    return ""


def ignored_of(job):
    """The columns of the job's file that will not be imported, with the reason."""
    return job.report.get("ignored", [])


@require_POST
def start(request, pk):
    job = job_of(request, pk)
    form = StartForm(request.POST, ignored=ignored_of(job))
    if "accept_ignored" in form.errors:
        messages.error(
            request, "Some columns of this file will not be imported: tick the box to go on."
        )
    elif not form.is_valid():
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


# --- Export ------------------------------------------------------------------------------


def blog_to_export(request):
    """The user's own blog; for staff the blog of ``?blog=<id>`` (or their own)."""
    blog = None
    if is_staff(request.user):
        blog = chosen_blog(request)
    blog = blog or current_blog(request)
    return BlogPage.objects.get(pk=blog.pk) if blog is not None else None


def for_someone_else(request, blog):
    """Is this download of the blog for anyone but its owner (staff)? Then spreadsheets
    must not run the blog's words as formulas."""
    return blog.owner_id != request.user.pk


def download_name(blog, suffix):
    today = timezone.now().astimezone(datetime.UTC).date().isoformat()
    return f"{blog.subdomain}-{suffix}-{today}"


def export_view(request):
    blog = blog_to_export(request)
    query = f"?blog={blog.pk}" if blog is not None and is_staff(request.user) else ""
    return render(
        request,
        "blog/admin/export.html",
        {
            "blog": blog,
            "csv_url": reverse("bearcms_export_csv") + query,
            "zip_url": reverse("bearcms_export_zip") + query,
        },
    )


def posts_csv_view(request):
    blog = blog_to_export(request)
    if blog is None:
        raise Http404("You have no blog to export.")
    text = posts_csv(post_records(blog, blog_images(blog)), for_someone_else(request, blog))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{download_name(blog, "posts")}.csv"'
    return response


def blog_zip_view(request):
    blog = blog_to_export(request)
    if blog is None:
        raise Http404("You have no blog to export.")
    # Image files can be large: past SPOOL_BYTES the ZIP goes to a temporary file.
    file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the response closes it
    write_blog_zip(blog, file, for_someone_else(request, blog))
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=download_name(blog, "blog") + ".zip",
        content_type="application/zip",
    )
