/* The lean fold of mclint/load/yamlstream.py, in C: libyaml's events folded straight into the
 * positioned tree (MapNode, SeqNode, str, None), with no Python object per event.
 *
 * It is _fold_lean, event for event, and returns what it returns: (documents, problems). Where
 * _fold_lean raises _Unusual (an anchor, an alias, a plain `<<` key, nesting past MAX_DEPTH) it
 * returns UNUSUAL, and the caller reads the file with the full fold; where libyaml refuses the
 * file, a scalar is not UTF-8, or a plain scalar in a flow collection holds `:` or `?`
 * (_NewerYAML), it returns NOT_LIBYAML, and the caller reads it with ruamel.yaml. Nothing in a
 * document runs: tags are read only to tell a plain null from a tagged one.
 *
 * It links the system's libyaml, which may be another release than the one PyYAML bundles; where
 * two releases it is used with read a file differently (nesting past 1000 levels, a single-pair
 * explicit key with nothing after it in a flow sequence, 0.2.5 against 0.2.6), it returns UNUSUAL and PyYAML's reads it.
 *
 * Every object it makes is owned by exactly one of: the open collection's state, a frame of the
 * stack, the result lists. `release` drops them all on every way out.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 1000
#define UNUSUAL 0
#define NOT_LIBYAML 1

typedef struct {
    PyObject *node;      /* the open collection; NULL at a document's top */
    PyObject *key;       /* a mapping's pending key; NULL for none */
    PyObject *key_at;
    PyObject *keys_at;   /* the open mapping's position tables, or the open sequence's */
    PyObject *values_at;
    PyObject *items_at;
    Py_ssize_t line, column;
    int is_map, in_flow;
    int in_flow_sequence;  /* a mapping in a flow sequence: `[{a: b}]`, or a single pair `[a: b]` */
} State;

/* Where a node's __slots__ live in the object: line, column, then keys_at and values_at (a
 * MapNode) or items_at (a SeqNode). 0 where the type is not the one expected (no such writable
 * slot): nodes are then made by calling the type, as Python would. */
typedef struct {
    Py_ssize_t line, column, first, second;
} Slots;

typedef struct {
    PyObject *map_type, *seq_type, *document_type, *duplicate;
    Slots map_slots, seq_slots;
} Types;

static PyObject *NULL_KEY;      /* "null" */
static PyObject *KEYS_AT, *VALUES_AT, *ITEMS_AT;
static PyObject *NO_ARGS;       /* () */

static void clear_state(State *s) {
    Py_CLEAR(s->node);
    Py_CLEAR(s->key);
    Py_CLEAR(s->key_at);
    Py_CLEAR(s->keys_at);
    Py_CLEAR(s->values_at);
    Py_CLEAR(s->items_at);
}

static PyObject *position(const yaml_mark_t *mark) {
    PyObject *line = PyLong_FromSize_t(mark->line + 1);
    PyObject *column = PyLong_FromSize_t(mark->column + 1);
    PyObject *at = NULL;
    if (line != NULL && column != NULL)
        at = PyTuple_Pack(2, line, column);
    Py_XDECREF(line);
    Py_XDECREF(column);
    return at;
}

static int is_null_text(const unsigned char *text, size_t length) {
    switch (length) {
    case 0:
        return 1;
    case 1:
        return text[0] == '~';
    case 4:
        return memcmp(text, "null", 4) == 0 || memcmp(text, "Null", 4) == 0 || memcmp(text, "NULL", 4) == 0;
    default:
        return 0;
    }
}

/* Record `value` (a reference the caller gives up) under the open mapping's pending key, or as
 * the open sequence's next item, or as the document's root. `at` (borrowed, may be NULL) is the
 * value's position when it is a scalar: a collection's was recorded when it started. */
static int place(State *s, PyObject *value, PyObject *at, PyObject **root, PyObject *problems, const Types *t) {
    if (s->is_map) {
        int found = PyDict_Contains(s->node, s->key);
        if (found < 0)
            goto fail;
        if (found) {
            PyObject *first = PyDict_GetItemWithError(s->keys_at, s->key);
            if (first == NULL)
                goto fail;
            PyObject *problem = PyObject_CallFunctionObjArgs(t->duplicate, s->key, s->key_at, PyTuple_GET_ITEM(first, 0), NULL);
            if (problem == NULL)
                goto fail;
            int added = PyList_Append(problems, problem);
            Py_DECREF(problem);
            if (added < 0)
                goto fail;
        }
        if (PyDict_SetItem(s->node, s->key, value) < 0 || PyDict_SetItem(s->keys_at, s->key, s->key_at) < 0)
            goto fail;
        if (at != NULL && PyDict_SetItem(s->values_at, s->key, at) < 0)
            goto fail;
        Py_CLEAR(s->key);
        Py_DECREF(value);
        return 0;
    }
    if (s->node != NULL) {
        if (PyList_Append(s->node, value) < 0 || (at != NULL && PyList_Append(s->items_at, at) < 0))
            goto fail;
        Py_DECREF(value);
        return 0;
    }
    Py_XSETREF(*root, value);
    return 0;
fail:
    Py_DECREF(value);
    return -1;
}

static Py_ssize_t slot_offset(PyObject *type, const char *name) {
    for (PyMemberDef *m = ((PyTypeObject *)type)->tp_members; m != NULL && m->name != NULL; m++)
        if (strcmp(m->name, name) == 0)
            return m->type == T_OBJECT_EX && !(m->flags & READONLY) ? m->offset : 0;
    return 0;
}

/* The slots of a node type whose only __init__ is setting them (mclint.load.nodes), found once a
 * file; all zero unless the type is a subclass of `base` with every one. */
static Slots find_slots(PyObject *type, PyTypeObject *base, const char *first, const char *second) {
    Slots none = {0, 0, 0, 0};
    if (!PyType_Check(type) || !PyType_IsSubtype((PyTypeObject *)type, base) || ((PyTypeObject *)type)->tp_new == NULL)
        return none;
    Slots found = {slot_offset(type, "line"), slot_offset(type, "column"), slot_offset(type, first),
                   second != NULL ? slot_offset(type, second) : 0};
    if (!found.line || !found.column || !found.first || (second != NULL && !found.second))
        return none;
    return found;
}

static void set_slot(PyObject *node, Py_ssize_t offset, PyObject *value) {
    PyObject **slot = (PyObject **)((char *)node + offset);
    Py_XSETREF(*slot, value);
}

/* A MapNode or SeqNode made as its __init__ makes one (line, column and empty position tables),
 * without the call into Python that running __init__ takes for each collection: dict's or list's
 * own constructor, then the slots. */
static PyObject *new_node(PyObject *type, const Slots *slots, Py_ssize_t line, Py_ssize_t column, int is_map) {
    PyObject *node = ((PyTypeObject *)type)->tp_new((PyTypeObject *)type, NO_ARGS, NULL);
    if (node == NULL)
        return NULL;
    PyObject *first = is_map ? PyDict_New() : PyList_New(0);
    PyObject *second = is_map ? PyDict_New() : NULL;
    PyObject *line_number = PyLong_FromSsize_t(line), *column_number = PyLong_FromSsize_t(column);
    if (first == NULL || (is_map && second == NULL) || line_number == NULL || column_number == NULL) {
        Py_XDECREF(first);
        Py_XDECREF(second);
        Py_XDECREF(line_number);
        Py_XDECREF(column_number);
        Py_DECREF(node);
        return NULL;
    }
    set_slot(node, slots->line, line_number);
    set_slot(node, slots->column, column_number);
    set_slot(node, slots->first, first);
    if (is_map)
        set_slot(node, slots->second, second);
    return node;
}

static int open_collection(State *s, const yaml_event_t *event, const Types *t) {
    int is_map = event->type == YAML_MAPPING_START_EVENT;
    const Slots *slots = is_map ? &t->map_slots : &t->seq_slots;
    s->line = (Py_ssize_t)event->start_mark.line + 1;
    s->column = (Py_ssize_t)event->start_mark.column + 1;
    if (slots->line) {
        s->node = new_node(is_map ? t->map_type : t->seq_type, slots, s->line, s->column, is_map);
    } else {
        PyObject *at = position(&event->start_mark);
        if (at == NULL)
            return -1;
        s->node = PyObject_Call(is_map ? t->map_type : t->seq_type, at, NULL);
        Py_DECREF(at);
    }
    if (s->node == NULL)
        return -1;
    s->is_map = is_map;
    s->in_flow = is_map ? event->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                        : event->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
    if (slots->line) {  /* the tables new_node made: the state holds a reference of its own */
        if (is_map) {
            s->keys_at = Py_NewRef(*(PyObject **)((char *)s->node + slots->first));
            s->values_at = Py_NewRef(*(PyObject **)((char *)s->node + slots->second));
        } else {
            s->items_at = Py_NewRef(*(PyObject **)((char *)s->node + slots->first));
        }
        return 0;
    }
    if (is_map) {
        s->keys_at = PyObject_GetAttr(s->node, KEYS_AT);
        s->values_at = PyObject_GetAttr(s->node, VALUES_AT);
        return s->keys_at != NULL && s->values_at != NULL ? 0 : -1;
    }
    s->items_at = PyObject_GetAttr(s->node, ITEMS_AT);
    return s->items_at != NULL ? 0 : -1;
}

typedef struct {
    yaml_parser_t parser;
    State *stack;
    int depth;
    State s;
    PyObject *root, *documents, *problems;
} Fold;

static void release(Fold *f) {
    for (int i = 0; i < f->depth; i++)
        clear_state(&f->stack[i]);
    PyMem_Free(f->stack);
    clear_state(&f->s);
    Py_CLEAR(f->root);
    Py_CLEAR(f->documents);
    Py_CLEAR(f->problems);
    yaml_parser_delete(&f->parser);
}

/* 1 at the stream's end, 0 to go on, -1 on a Python error, or 2 + UNUSUAL / 2 + NOT_LIBYAML. */
static int step(Fold *f, const yaml_event_t *event, const Types *t, Py_ssize_t *document_line) {
    State *s = &f->s;
    switch (event->type) {
    case YAML_SCALAR_EVENT: {
        const unsigned char *text = event->data.scalar.value;
        size_t length = event->data.scalar.length;
        int plain = event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE || event->data.scalar.style == YAML_ANY_SCALAR_STYLE;
        if (event->data.scalar.anchor != NULL)
            return 2 + UNUSUAL;
        if (s->in_flow && plain && (memchr(text, ':', length) != NULL || memchr(text, '?', length) != NULL))
            return 2 + NOT_LIBYAML;
        const unsigned char *tag = event->data.scalar.tag;
        int is_null = plain && (tag == NULL || strcmp((const char *)tag, "!") == 0) && is_null_text(text, length);
        PyObject *value;
        if (is_null) {
            value = Py_NewRef(Py_None);
        } else {
            value = PyUnicode_DecodeUTF8((const char *)text, (Py_ssize_t)length, "strict");
            if (value == NULL) {
                PyErr_Clear();
                return 2 + NOT_LIBYAML;
            }
        }
        PyObject *at = position(&event->start_mark);
        if (at == NULL) {
            Py_DECREF(value);
            return -1;
        }
        if (s->is_map && s->key == NULL) {
            if (s->in_flow_sequence && plain && length == 0) {  /* `[ ? ]`: 0.2.5 skips the `]`, 0.2.6 reads it */
                Py_DECREF(value);
                Py_DECREF(at);
                return 2 + UNUSUAL;
            }
            if (is_null) {
                Py_DECREF(value);
                value = Py_NewRef(NULL_KEY);
            } else if (plain && length == 2 && text[0] == '<' && text[1] == '<') {
                Py_DECREF(value);
                Py_DECREF(at);
                return 2 + UNUSUAL;
            }
            s->key = value;
            Py_XSETREF(s->key_at, at);
            return 0;
        }
        int placed = place(s, value, at, &f->root, f->problems, t);
        Py_DECREF(at);
        return placed;
    }
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT: {
        const yaml_char_t *anchor = event->type == YAML_MAPPING_START_EVENT ? event->data.mapping_start.anchor
                                                                             : event->data.sequence_start.anchor;
        if (anchor != NULL || f->depth >= MAX_DEPTH)
            return 2 + UNUSUAL;
        PyObject *at = position(&event->start_mark);
        if (at == NULL)
            return -1;
        int recorded = 0;
        if (s->is_map) {
            if (s->key != NULL)
                recorded = PyDict_SetItem(s->values_at, s->key, at);
        } else if (s->node != NULL) {
            recorded = PyList_Append(s->items_at, at);
        }
        Py_DECREF(at);
        if (recorded < 0)
            return -1;
        int in_flow_sequence = !s->is_map && s->node != NULL && s->in_flow;
        f->stack[f->depth++] = *s;  /* the frame takes the open collection's references */
        memset(s, 0, sizeof(*s));
        s->in_flow_sequence = in_flow_sequence;
        return open_collection(s, event, t);
    }
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT: {
        if (f->depth == 0)
            return 2 + NOT_LIBYAML;
        PyObject *value = s->node;
        Py_ssize_t line = s->line;
        s->node = NULL;
        clear_state(s);
        *s = f->stack[--f->depth];  /* the state takes the frame's references back */
        if (s->is_map && s->key == NULL) {  /* a mapping or sequence as a key: named by its line */
            Py_DECREF(value);
            s->key = PyUnicode_FromFormat("<complex key at line %zd>", line);
            Py_XSETREF(s->key_at, Py_BuildValue("(nn)", s->line, s->column));
            return s->key != NULL && s->key_at != NULL ? 0 : -1;
        }
        return place(s, value, NULL, &f->root, f->problems, t);
    }
    case YAML_DOCUMENT_START_EVENT:
        Py_CLEAR(f->root);
        *document_line = (Py_ssize_t)event->start_mark.line + 1;
        return 0;
    case YAML_DOCUMENT_END_EVENT: {
        PyObject *document = PyObject_CallFunction(t->document_type, "nOn", PyList_GET_SIZE(f->documents),
                                                   f->root != NULL ? f->root : Py_None, *document_line);
        if (document == NULL)
            return -1;
        int added = PyList_Append(f->documents, document);
        Py_DECREF(document);
        Py_CLEAR(f->root);
        return added;
    }
    case YAML_STREAM_END_EVENT:
        return 1;
    case YAML_STREAM_START_EVENT:
        return 0;
    default:  /* an alias */
        return 2 + UNUSUAL;
    }
}

static PyObject *fold(PyObject *Py_UNUSED(module), PyObject *args) {
    Py_buffer data;
    Types t;
    if (!PyArg_ParseTuple(args, "y*OOOO:fold", &data, &t.map_type, &t.seq_type, &t.document_type, &t.duplicate))
        return NULL;
    t.map_slots = find_slots(t.map_type, &PyDict_Type, "keys_at", "values_at");
    t.seq_slots = find_slots(t.seq_type, &PyList_Type, "items_at", NULL);
    Fold f;
    memset(&f, 0, sizeof(f));
    PyObject *result = NULL;
    f.stack = PyMem_Malloc(sizeof(State) * MAX_DEPTH);
    f.documents = PyList_New(0);
    f.problems = PyList_New(0);
    if (!yaml_parser_initialize(&f.parser)) {
        PyMem_Free(f.stack);
        Py_XDECREF(f.documents);
        Py_XDECREF(f.problems);
        PyBuffer_Release(&data);
        return PyErr_NoMemory();
    }
    if (f.stack == NULL || f.documents == NULL || f.problems == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    yaml_parser_set_input_string(&f.parser, (const unsigned char *)data.buf, (size_t)data.len);
    Py_ssize_t document_line = 0;
    for (;;) {
        yaml_event_t event;
        if (!yaml_parser_parse(&f.parser, &event)) {
            result = PyLong_FromLong(NOT_LIBYAML);
            goto done;
        }
        int outcome = step(&f, &event, &t, &document_line);
        yaml_event_delete(&event);
        if (outcome < 0)
            goto done;
        if (outcome >= 2) {
            result = PyLong_FromLong(outcome - 2);
            goto done;
        }
        if (outcome == 1)
            break;
    }
    result = PyTuple_Pack(2, f.documents, f.problems);
done:
    release(&f);
    PyBuffer_Release(&data);
    return result;
}

static PyObject *libyaml_version(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(unused)) {
    return PyUnicode_FromString(yaml_get_version_string());
}

static PyMethodDef methods[] = {
    {"libyaml_version", libyaml_version, METH_NOARGS, "The version of the libyaml this module runs."},
    {"fold", fold, METH_VARARGS,
     "fold(data, MapNode, SeqNode, Document, duplicate) -> (documents, problems), or UNUSUAL (0) "
     "or NOT_LIBYAML (1): yamlstream._fold_lean over libyaml's events, in C."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, .m_name = "_cfold", .m_size = -1, .m_methods = methods,
};

PyMODINIT_FUNC PyInit__cfold(void) {
    NULL_KEY = PyUnicode_InternFromString("null");
    KEYS_AT = PyUnicode_InternFromString("keys_at");
    VALUES_AT = PyUnicode_InternFromString("values_at");
    ITEMS_AT = PyUnicode_InternFromString("items_at");
    NO_ARGS = PyTuple_New(0);
    if (NULL_KEY == NULL || KEYS_AT == NULL || VALUES_AT == NULL || ITEMS_AT == NULL || NO_ARGS == NULL)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddIntConstant(m, "UNUSUAL", UNUSUAL) < 0 || PyModule_AddIntConstant(m, "NOT_LIBYAML", NOT_LIBYAML) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
