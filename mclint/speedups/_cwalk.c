/* The one walk of an object (mclint/rules/walk.py), in C: the same visits in the same order, with
 * the loop over every key and item, which is most of the walk's time, out of the interpreter. The
 * handlers stay in Python; they run only for the keys some rule reads and has not already found
 * nothing at (walk.quiet_key), and for strings not yet known to match nothing.
 *
 * The walk owns a reference to each mapping and list it is inside of, so a handler cannot free
 * one under it; a handler that raises ends the walk with its exception, as in Python.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    PyObject *parent; /* owned */
    Py_ssize_t position;
    int is_map;
} Frame;

typedef struct {
    PyObject *map_type, *seq_type, *keys, *on_key, *on_string, *quiet, *skipped_keys, *skipped_string_keys;
    PyObject *trail;
    Py_ssize_t max_walked, max_remembered;
} Walk;

static PyObject *PATCH, *DELETE;

/* Whether `text` under `step` is for on_string: not under a key whose strings describe rather
 * than configure, and not a one-line string `quiet` already knows matches nothing. */
static int wants_string(const Walk *w, PyObject *step, PyObject *text) {
    if (PyUnicode_CheckExact(step)) {
        int skipped = PySet_Contains(w->skipped_string_keys, step);
        if (skipped != 0)
            return skipped < 0 ? -1 : 0;
    }
    if (w->quiet == Py_None)
        return 1;
    PyObject *known = PyDict_GetItemWithError(w->quiet, text);
    if (known == NULL)
        return PyErr_Occurred() ? -1 : 1;
    if (!PyList_CheckExact(known) || PyList_GET_SIZE(known) != 0)
        return 1;
    Py_ssize_t newline = PyUnicode_FindChar(text, '\n', 0, PyUnicode_GET_LENGTH(text), 1);
    return newline == -2 ? -1 : newline >= 0;
}

/* Whether to step into `value`: not a mapping a strategic-merge patch deletes, and, past the
 * budget of containers, not one entered before (its findings sit on the same lines). */
static int enters(const Walk *w, PyObject *value, Py_ssize_t *entered, PyObject *seen) {
    *entered += 1;
    if (*entered > w->max_walked) {
        PyObject *id = PyLong_FromVoidPtr(value);
        if (id == NULL)
            return -1;
        int again = PySet_Contains(seen, id);
        if (again == 0)
            again = PySet_Add(seen, id) < 0 ? -1 : 0;
        Py_DECREF(id);
        if (again != 0)
            return again < 0 ? -1 : 0;
    }
    if (Py_TYPE(value) == (PyTypeObject *)w->map_type) {
        PyObject *patch = PyDict_GetItemWithError(value, PATCH);
        if (patch == NULL)
            return PyErr_Occurred() ? -1 : 1;
        int deleted = PyObject_RichCompareBool(patch, DELETE, Py_EQ);
        return deleted < 0 ? -1 : !deleted;
    }
    return 1;
}

/* walk.chosen: the handlers that apply where the trail leads (borrowed), or NULL on an error. */
static PyObject *chosen(const Walk *w, PyObject *hits) {
    PyObject *by_near = PyTuple_GET_ITEM(hits, 0), *handlers = PyTuple_GET_ITEM(hits, 1);
    if (PyDict_GET_SIZE(by_near) == 0)
        return handlers;
    Py_ssize_t length = PyList_GET_SIZE(w->trail);
    PyObject *near = length > 0 ? PyList_GET_ITEM(w->trail, length - 1) : Py_None;
    if (PyLong_CheckExact(near)) {  /* walk.nearest_key */
        near = Py_None;
        for (Py_ssize_t i = length - 1; i >= 0; i--) {
            if (PyUnicode_CheckExact(PyList_GET_ITEM(w->trail, i))) {
                near = PyList_GET_ITEM(w->trail, i);
                break;
            }
        }
    }
    PyObject *found = PyDict_GetItemWithError(by_near, near);
    if (found == NULL)
        return PyErr_Occurred() ? NULL : handlers;
    return found;
}

/* walk.quiet_key: 1 when every handler chosen for this key remembered an empty answer for (key,
 * value), 0 when on_key is to run, -1 on an error. */
static int quiet_key(const Walk *w, PyObject *hits, PyObject *key, PyObject *value) {
    if (!PyTuple_CheckExact(hits) || PyTuple_GET_SIZE(hits) != 2 || !PyDict_CheckExact(PyTuple_GET_ITEM(hits, 0)))
        return 0;
    PyObject *handlers = chosen(w, hits);
    if (handlers == NULL)
        return -1;
    if (!PyTuple_CheckExact(handlers))
        return 0;
    PyObject *remembered_as = Py_None;
    if (PyUnicode_CheckExact(value)) {
        if (PyUnicode_GET_LENGTH(value) > w->max_remembered)
            return 0;
        remembered_as = value;
    }
    PyObject *pair = NULL;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(handlers); i++) {
        PyObject *handler = PyTuple_GET_ITEM(handlers, i);
        if (!PyTuple_CheckExact(handler) || PyTuple_GET_SIZE(handler) == 0)
            goto loud;
        PyObject *remembered = PyTuple_GET_ITEM(handler, PyTuple_GET_SIZE(handler) - 1);
        if (!PyDict_CheckExact(remembered))
            goto loud;
        if (pair == NULL && (pair = PyTuple_Pack(2, key, remembered_as)) == NULL)
            return -1;
        PyObject *answer = PyDict_GetItemWithError(remembered, pair);
        if (answer == NULL) {
            Py_DECREF(pair);
            return PyErr_Occurred() ? -1 : 0;
        }
        if (!PyTuple_CheckExact(answer) || PyTuple_GET_SIZE(answer) != 0)
            goto loud;
    }
    Py_XDECREF(pair);
    return 1;
loud:
    Py_XDECREF(pair);
    return 0;
}

static int visit_key(const Walk *w, PyObject *parent, PyObject *key, PyObject *value) {
    PyObject *hits = PyDict_GetItemWithError(w->keys, key);
    if (hits == NULL)
        return PyErr_Occurred() ? -1 : 0;
    int passed_over = quiet_key(w, hits, key, value);
    if (passed_over != 0)
        return passed_over < 0 ? -1 : 0;
    PyObject *args[5] = {hits, parent, key, value, w->trail};
    PyObject *done = PyObject_Vectorcall(w->on_key, args, 5, NULL);
    Py_XDECREF(done);
    return done == NULL ? -1 : 0;
}

static int visit_string(const Walk *w, PyObject *parent, PyObject *step, PyObject *text) {
    int wanted = wants_string(w, step, text);
    if (wanted <= 0)
        return wanted;
    PyObject *done = PyObject_CallFunctionObjArgs(w->on_string, parent, step, text, w->trail, NULL);
    Py_XDECREF(done);
    return done == NULL ? -1 : 0;
}

static PyObject *walk(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 12) {
        PyErr_SetString(PyExc_TypeError, "walk() takes 12 arguments");
        return NULL;
    }
    PyObject *root = args[0];
    Walk w = {args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8], args[9], 0, 0};
    w.max_walked = PyLong_AsSsize_t(args[10]);
    if (w.max_walked == -1 && PyErr_Occurred())
        return NULL;
    w.max_remembered = PyLong_AsSsize_t(args[11]);
    if (w.max_remembered == -1 && PyErr_Occurred())
        return NULL;
    if (!PyDict_Check(w.keys) || !PyList_Check(w.trail) || (w.quiet != Py_None && !PyDict_Check(w.quiet)) ||
        !PyAnySet_Check(w.skipped_keys) || !PyAnySet_Check(w.skipped_string_keys) ||
        Py_TYPE(root) != (PyTypeObject *)w.map_type) {
        PyErr_SetString(PyExc_TypeError, "walk(): arguments of the wrong types");
        return NULL;
    }
    PyObject *seen = PySet_New(NULL);
    Py_ssize_t capacity = 64, depth = 0, entered = 0;
    Frame *stack = PyMem_Malloc(sizeof(Frame) * capacity);
    if (seen == NULL || stack == NULL) {
        Py_XDECREF(seen);
        PyMem_Free(stack);
        return PyErr_NoMemory();
    }
    stack[depth++] = (Frame){Py_NewRef(root), 0, 1};
    int failed = 0;
    while (depth > 0 && !failed) {
        Frame *frame = &stack[depth - 1];
        PyObject *step = NULL, *value = NULL;
        int more;
        if (frame->is_map) {
            more = PyDict_Next(frame->parent, &frame->position, &step, &value);
            if (more)
                Py_INCREF(step);
        } else {
            more = frame->position < PyList_GET_SIZE(frame->parent);
            if (more) {
                value = PyList_GET_ITEM(frame->parent, frame->position);
                step = PyLong_FromSsize_t(frame->position++);
                if (step == NULL) {
                    failed = 1;
                    break;
                }
            }
        }
        if (!more) {  /* this container is done: back to the one around it */
            Py_DECREF(frame->parent);
            depth--;
            if (depth > 0 && PyList_SetSlice(w.trail, PyList_GET_SIZE(w.trail) - 1, PyList_GET_SIZE(w.trail), NULL) < 0)
                failed = 1;
            continue;
        }
        Py_INCREF(value);  /* the step and value are the walk's own while it is at them */
        PyObject *parent = frame->parent;
        if (frame->is_map) {
            int skipped = 0;
            if (visit_key(&w, parent, step, value) < 0 || (skipped = PySet_Contains(w.skipped_keys, step)) < 0)
                failed = 1;
            if (failed || skipped) {
                Py_DECREF(value);
                Py_DECREF(step);
                continue;
            }
        }
        PyTypeObject *type = Py_TYPE(value);
        if (type == (PyTypeObject *)w.map_type || type == (PyTypeObject *)w.seq_type) {
            int enter = enters(&w, value, &entered, seen);
            if (enter > 0) {
                if (depth == capacity) {
                    Frame *grown = PyMem_Realloc(stack, sizeof(Frame) * capacity * 2);
                    if (grown == NULL) {
                        PyErr_NoMemory();
                        enter = -1;
                    } else {
                        stack = grown;
                        capacity *= 2;
                    }
                }
                if (enter > 0 && PyList_Append(w.trail, step) < 0)
                    enter = -1;
                if (enter > 0) {
                    stack[depth++] = (Frame){value, 0, type == (PyTypeObject *)w.map_type};  /* takes the reference */
                    Py_DECREF(step);
                    continue;
                }
            }
            failed = enter < 0;
        } else if (type == &PyUnicode_Type && w.on_string != Py_None) {
            failed = visit_string(&w, parent, step, value) < 0;
        }
        Py_DECREF(value);
        Py_DECREF(step);
    }
    while (depth > 0)
        Py_DECREF(stack[--depth].parent);
    PyMem_Free(stack);
    Py_DECREF(seen);
    if (failed)
        return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"walk", (PyCFunction)(void (*)(void))walk, METH_FASTCALL,
     "walk(root, map_type, seq_type, keys, on_key, on_string, quiet, skipped_keys, skipped_string_keys, "
     "trail, max_walked, max_remembered): mclint.rules.walk.walk, in C."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, .m_name = "_cwalk", .m_size = -1, .m_methods = methods,
};

PyMODINIT_FUNC PyInit__cwalk(void) {
    PATCH = PyUnicode_InternFromString("$patch");
    DELETE = PyUnicode_InternFromString("delete");
    if (PATCH == NULL || DELETE == NULL)
        return NULL;
    return PyModule_Create(&module);
}
