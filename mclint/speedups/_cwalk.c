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

static PyObject *PATCH, *DELETE, *NAME, *VALUE, *LIMITS, *REQUESTS;

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

/* Whether `node` is a mapping a strategic-merge patch deletes: 1, 0, or -1 on an error. */
static int deleted(const Walk *w, PyObject *node) {
    if (Py_TYPE(node) != (PyTypeObject *)w->map_type)
        return 0;
    PyObject *patch = PyDict_GetItemWithError(node, PATCH);
    if (patch == NULL)
        return PyErr_Occurred() ? -1 : 0;
    return PyObject_RichCompareBool(patch, DELETE, Py_EQ);
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
    int gone = deleted(w, value);
    return gone < 0 ? -1 : !gone;
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

/* walk.PAIR...: how a handler's reader turns a key and its value into the pairs its rules match. */
enum { PAIR, MAPPING, SECTIONS, VOLUMES, ENV, IMAGE };

/* walk._remembered_as and the lookup: 1 when `remembered` holds an empty answer for the pair, 0
 * when it does not (or the value is too long to be remembered, or the key cannot be), -1 on an
 * error. */
static int quiet_pair(const Walk *w, PyObject *remembered, PyObject *key, PyObject *value) {
    PyObject *remembered_as = Py_None;
    if (PyUnicode_CheckExact(value)) {
        if (PyUnicode_GET_LENGTH(value) > w->max_remembered)
            return 0;
        remembered_as = value;
    }
    PyObject *pair = PyTuple_Pack(2, key, remembered_as);
    if (pair == NULL)
        return -1;
    PyObject *answer = PyDict_GetItemWithError(remembered, pair);
    Py_DECREF(pair);
    if (answer == NULL) {
        if (PyErr_Occurred() && PyErr_ExceptionMatches(PyExc_TypeError))
            PyErr_Clear(); /* an unhashable key: on_key meets it as it always did */
        return PyErr_Occurred() ? -1 : 0;
    }
    return PyTuple_CheckExact(answer) && PyTuple_GET_SIZE(answer) == 0;
}

/* walk._mapping_pairs: each key of a mapping not deleted (but `name`, when `but_name`). */
static int quiet_mapping(const Walk *w, PyObject *remembered, PyObject *node, int but_name) {
    if (node == NULL || Py_TYPE(node) != (PyTypeObject *)w->map_type)
        return 1;
    int gone = deleted(w, node);
    if (gone != 0)
        return gone < 0 ? -1 : 1;
    Py_ssize_t position = 0;
    PyObject *key, *value;
    while (PyDict_Next(node, &position, &key, &value)) {
        if (but_name && PyUnicode_CheckExact(key) && PyUnicode_CompareWithASCIIString(key, "name") == 0)
            continue;
        int quiet = quiet_pair(w, remembered, key, value);
        if (quiet != 1)
            return quiet;
    }
    return 1;
}

/* walk._pairs for VOLUMES and ENV: each named mapping of a list, not deleted. */
static int quiet_items(const Walk *w, PyObject *remembered, PyObject *value, int shape) {
    if (Py_TYPE(value) != (PyTypeObject *)w->seq_type)
        return 1;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(value); i++) {
        PyObject *item = PyList_GET_ITEM(value, i);
        if (Py_TYPE(item) != (PyTypeObject *)w->map_type)
            continue;
        PyObject *name = PyDict_GetItemWithError(item, NAME);
        if (name == NULL) {
            if (PyErr_Occurred())
                return -1;
            continue;
        }
        int gone = deleted(w, item);
        if (gone != 0) {
            if (gone < 0)
                return -1;
            continue;
        }
        int quiet;
        Py_INCREF(item);
        if (shape == VOLUMES) {
            quiet = quiet_mapping(w, remembered, item, 1);
        } else if (name != Py_None && !PyUnicode_CheckExact(name)) {
            quiet = 0;
        } else {
            PyObject *variable = PyDict_GetItemWithError(item, VALUE);
            quiet = variable == NULL && PyErr_Occurred() ? -1 : quiet_pair(w, remembered, name, variable ? variable : Py_None);
        }
        Py_DECREF(item);
        if (quiet != 1)
            return quiet;
    }
    return 1;
}

/* walk._pairs: 1 when every pair the handler's reader gives here is remembered empty, 0 when one
 * is not (or the shape is not known), -1 on an error. */
static int quiet_pairs(const Walk *w, PyObject *remembered, PyObject *shape_object, PyObject *parent, PyObject *key,
                       PyObject *value) {
    if (!PyLong_CheckExact(shape_object))
        return 0;
    long shape = PyLong_AsLong(shape_object);
    if (shape == PAIR)
        return quiet_pair(w, remembered, key, value);
    if (shape == MAPPING)
        return quiet_mapping(w, remembered, value, 0);
    if (shape == SECTIONS) {
        if (Py_TYPE(value) != (PyTypeObject *)w->map_type)
            return 1;
        PyObject *limits = PyDict_GetItemWithError(value, LIMITS);
        if (limits == NULL && PyErr_Occurred())
            return -1;
        int quiet = quiet_mapping(w, remembered, limits, 0);
        if (quiet != 1)
            return quiet;
        PyObject *requests = PyDict_GetItemWithError(value, REQUESTS);
        if (requests == NULL && PyErr_Occurred())
            return -1;
        return quiet_mapping(w, remembered, requests, 0);
    }
    if (shape == VOLUMES || shape == ENV)
        return quiet_items(w, remembered, value, (int)shape);
    if (shape == IMAGE) {
        if (PyUnicode_CheckExact(value)) {
            PyObject *name = PyDict_GetItemWithError(parent, NAME);
            if (name == NULL && PyErr_Occurred())
                return -1;
            return quiet_pair(w, remembered, name != NULL && PyUnicode_CheckExact(name) ? name : Py_None, value);
        }
        return !(Py_TYPE(value) == (PyTypeObject *)w->map_type || PyUnicode_Check(value));
    }
    return 0;
}

/* walk.quiet_key: 1 when every handler chosen for this key remembered an empty answer for each
 * pair its reader gives here, 0 when on_key is to run, -1 on an error. */
static int quiet_key(const Walk *w, PyObject *hits, PyObject *parent, PyObject *key, PyObject *value) {
    if (!PyTuple_CheckExact(hits) || PyTuple_GET_SIZE(hits) != 2 || !PyDict_CheckExact(PyTuple_GET_ITEM(hits, 0)))
        return 0;
    PyObject *handlers = chosen(w, hits);
    if (handlers == NULL)
        return -1;
    if (!PyTuple_CheckExact(handlers))
        return 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(handlers); i++) {
        PyObject *handler = PyTuple_GET_ITEM(handlers, i);
        Py_ssize_t size = PyTuple_CheckExact(handler) ? PyTuple_GET_SIZE(handler) : 0;
        if (size < 2 || !PyDict_CheckExact(PyTuple_GET_ITEM(handler, size - 1)))
            return 0;
        int quiet = quiet_pairs(w, PyTuple_GET_ITEM(handler, size - 1), PyTuple_GET_ITEM(handler, size - 2), parent, key,
                                value);
        if (quiet != 1)
            return quiet;
    }
    return 1;
}

static int visit_key(const Walk *w, PyObject *parent, PyObject *key, PyObject *value) {
    PyObject *hits = PyDict_GetItemWithError(w->keys, key);
    if (hits == NULL)
        return PyErr_Occurred() ? -1 : 0;
    int passed_over = quiet_key(w, hits, parent, key, value);
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
    NAME = PyUnicode_InternFromString("name");
    VALUE = PyUnicode_InternFromString("value");
    LIMITS = PyUnicode_InternFromString("limits");
    REQUESTS = PyUnicode_InternFromString("requests");
    if (PATCH == NULL || DELETE == NULL || NAME == NULL || VALUE == NULL || LIMITS == NULL || REQUESTS == NULL)
        return NULL;
    return PyModule_Create(&module);
}
