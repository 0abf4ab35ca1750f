/*
 * lazy: libxml2 and libical are loaded (dlopen) when crier first calls
 * them, not when it starts.  With the libraries they bring (ICU,
 * libstdc++, liblzma) they were a third of the start of every crier: of
 * the 1,900 page faults and 9,600 symbol relocations of a build with
 * nothing to do, which calls neither.
 *
 * Include this before their headers.  It renames each function crier
 * calls to a stand-in of the same prototype, which the headers then
 * declare, so that the compiler checks lazy.c's definitions against the
 * libraries' own.  A stand-in loads its library on the first call of any
 * (once, whichever thread calls), finds the function and calls it; the
 * load sets libxml2 up before any thread uses it.  A library that cannot
 * be loaded ends the program with a message that names it.
 */
#ifndef CRIER_LAZY_H
#define CRIER_LAZY_H

/*
 * Loads both libraries now, on the thread that calls it, if they are not
 * yet: before a build's threads start, so that a library that cannot be
 * loaded stops the build before its work, on the main thread.
 */
void lazy_load(void);

/*
 * libxml2's xmlFree, which frees what it returns, is a variable, and its
 * header undefines any macro of that name: this is what to call instead.
 */
void lazy_xml_free(void *p);

/*
 * Where the Makefile could not read the libraries' sonames (no readelf,
 * or libraries without one), it links them, and the names stay theirs.
 */
#ifndef CRIER_LAZY_LINKED
#define htmlReadFile crier_htmlReadFile
#define xmlBufferContent crier_xmlBufferContent
#define xmlBufferCreate crier_xmlBufferCreate
#define xmlBufferFree crier_xmlBufferFree
#define xmlBufferLength crier_xmlBufferLength
#define xmlDocGetRootElement crier_xmlDocGetRootElement
#define xmlFreeDoc crier_xmlFreeDoc
#define xmlFreeTextWriter crier_xmlFreeTextWriter
#define xmlGetLineNo crier_xmlGetLineNo
#define xmlGetProp crier_xmlGetProp
#define xmlNewTextWriterMemory crier_xmlNewTextWriterMemory
#define xmlNodeGetContent crier_xmlNodeGetContent
#define xmlReadFile crier_xmlReadFile
#define xmlRelaxNGFree crier_xmlRelaxNGFree
#define xmlRelaxNGFreeParserCtxt crier_xmlRelaxNGFreeParserCtxt
#define xmlRelaxNGFreeValidCtxt crier_xmlRelaxNGFreeValidCtxt
#define xmlRelaxNGNewParserCtxt crier_xmlRelaxNGNewParserCtxt
#define xmlRelaxNGNewValidCtxt crier_xmlRelaxNGNewValidCtxt
#define xmlRelaxNGParse crier_xmlRelaxNGParse
#define xmlRelaxNGSetParserStructuredErrors crier_xmlRelaxNGSetParserStructuredErrors
#define xmlRelaxNGSetValidStructuredErrors crier_xmlRelaxNGSetValidStructuredErrors
#define xmlRelaxNGValidateDoc crier_xmlRelaxNGValidateDoc
#define xmlSetGenericErrorFunc crier_xmlSetGenericErrorFunc
#define xmlSetStructuredErrorFunc crier_xmlSetStructuredErrorFunc
#define xmlStrdup crier_xmlStrdup
#define xmlTextWriterEndDocument crier_xmlTextWriterEndDocument
#define xmlTextWriterEndElement crier_xmlTextWriterEndElement
#define xmlTextWriterSetIndent crier_xmlTextWriterSetIndent
#define xmlTextWriterSetIndentString crier_xmlTextWriterSetIndentString
#define xmlTextWriterStartDocument crier_xmlTextWriterStartDocument
#define xmlTextWriterStartElement crier_xmlTextWriterStartElement
#define xmlTextWriterWriteAttribute crier_xmlTextWriterWriteAttribute
#define xmlTextWriterWriteElement crier_xmlTextWriterWriteElement
#define xmlTextWriterWriteString crier_xmlTextWriterWriteString

#define icalcomponent_add_component crier_icalcomponent_add_component
#define icalcomponent_add_property crier_icalcomponent_add_property
#define icalcomponent_as_ical_string_r crier_icalcomponent_as_ical_string_r
#define icalcomponent_free crier_icalcomponent_free
#define icalcomponent_new crier_icalcomponent_new
#define icaldurationtype_from_int crier_icaldurationtype_from_int
#define icalerrno_return crier_icalerrno_return
#define icalerror_clear_errno crier_icalerror_clear_errno
#define icalerror_strerror crier_icalerror_strerror
#define icalmemory_free_buffer crier_icalmemory_free_buffer
#define icalmemory_free_ring crier_icalmemory_free_ring
#define icalproperty_new_calscale crier_icalproperty_new_calscale
#define icalproperty_new_categories crier_icalproperty_new_categories
#define icalproperty_new_created crier_icalproperty_new_created
#define icalproperty_new_description crier_icalproperty_new_description
#define icalproperty_new_dtend crier_icalproperty_new_dtend
#define icalproperty_new_dtstamp crier_icalproperty_new_dtstamp
#define icalproperty_new_dtstart crier_icalproperty_new_dtstart
#define icalproperty_new_lastmodified crier_icalproperty_new_lastmodified
#define icalproperty_new_method crier_icalproperty_new_method
#define icalproperty_new_prodid crier_icalproperty_new_prodid
#define icalproperty_new_refreshinterval crier_icalproperty_new_refreshinterval
#define icalproperty_new_source crier_icalproperty_new_source
#define icalproperty_new_status crier_icalproperty_new_status
#define icalproperty_new_summary crier_icalproperty_new_summary
#define icalproperty_new_uid crier_icalproperty_new_uid
#define icalproperty_new_url crier_icalproperty_new_url
#define icalproperty_new_version crier_icalproperty_new_version
#define icalproperty_new_x crier_icalproperty_new_x
#define icalproperty_set_x_name crier_icalproperty_set_x_name
#define icaltime_from_timet_with_zone crier_icaltime_from_timet_with_zone
#define icaltimezone_get_utc_timezone crier_icaltimezone_get_utc_timezone
#endif

#endif
